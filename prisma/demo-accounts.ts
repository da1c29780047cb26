/** The demo accounts seeded by prisma/seed.ts; listed on the login page and in the README. */
export const DEMO_PASSWORD = "CareAccess!demo1";

export const DEMO_ACCOUNTS: { email: string; name: string; about: string }[] = [
  { email: "owner@northwind.test", name: "Olivia Northwind", about: 'Owner of enterprise "Northwind Dental Group"' },
  { email: "west.admin@northwind.test", name: "Wes Admin", about: 'Admin of "West Region" (Seattle, Portland)' },
  { email: "manager@northwind.test", name: "Maya Manager", about: "Manager at Seattle Practice, Front Desk at Portland Practice" },
  { email: "dr.lee@northwind.test", name: "Dr. Daniel Lee", about: "Provider at Seattle Practice (own patients, one shared)" },
  { email: "dr.patel@northwind.test", name: "Dr. Priya Patel", about: "Provider at Seattle Practice (own patients, one shared)" },
  { email: "dr.okafor@northwind.test", name: "Dr. Sam Okafor", about: "Provider at Boston Practice (the Front Desk there books for them)" },
  { email: "frontdesk@northwind.test", name: "Frank Desk", about: 'Front Desk at Boston Practice ("East Region")' },
  { email: "billing@northwind.test", name: "Bella Billing", about: "Billing for the whole enterprise" },
  { email: "inventory@northwind.test", name: "Ivan Inventory", about: "Inventory Manager at Seattle Practice" },
  { email: "ai.handler@northwind.test", name: "Ava Handler", about: "AI Assistant Handler at Seattle Practice" },
  { email: "consultant@northwind.test", name: "Connor Consultant", about: "Consultant, read-only on East Region" },
  { email: "psm@careaccess.test", name: "Pat Support", about: "Platform support staff (PSM) with support access to Northwind" },
  { email: "owner@lakeside.test", name: "Liam Lakeside", about: 'Owner of single practice "Lakeside Physio"' },
  { email: "therapist@lakeside.test", name: "Tara Therapist", about: "Provider at Lakeside Downtown only; SSO required (IdP password IdP!demo-pass1)" },
  { email: "rob@family.test", name: "Rob Wudlick", about: "Owner of Rob's Care, Admin of Mom's Care, Member of Community Care, Viewer of Neighbor's Care" },
  { email: "luann@family.test", name: "Luann Wudlick", about: "Owner of Mom's Care, Admin of Rob's Care" },
  { email: "marta@family.test", name: "Marta Wudlick", about: "Admin of Rob's Care and Mom's Care" },
  { email: "jim@family.test", name: "Jim Carter", about: "Member (care provider) of Rob's Care" },
  { email: "carol@community.test", name: "Carol Community", about: "Owner of Community Care" },
  { email: "ned@neighbor.test", name: "Ned Neighbor", about: "Owner of Neighbor's Care" },
];
