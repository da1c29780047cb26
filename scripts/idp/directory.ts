/**
 * The people of the local identity providers (development, demo and tests). These are the IdP's own
 * accounts with the IdP's own password: CareAccess never sees it.
 */
export const IDP_PASSWORD = "IdP!demo-pass1";

export interface IdpUser {
  sub: string;
  email: string;
  name: string;
  password: string;
  groups: string[];
}

/** Lakeside Physio's IdP (OIDC). */
export const LAKESIDE_IDP_USERS: IdpUser[] = [
  { sub: "lk-1001", email: "therapist@lakeside.test", name: "Tara Therapist", password: IDP_PASSWORD, groups: ["physio-therapists"] },
  { sub: "lk-1002", email: "nina.newhire@lakeside.test", name: "Nina Newhire", password: IDP_PASSWORD, groups: ["physio-therapists"] },
  { sub: "lk-1003", email: "owner@lakeside.test", name: "Liam Lakeside", password: IDP_PASSWORD, groups: ["physio-admins"] },
  // A person the IdP knows in a domain Lakeside hasn't verified: CareAccess must refuse them.
  { sub: "lk-9001", email: "intruder@northwind.test", name: "Not Lakeside's", password: IDP_PASSWORD, groups: ["physio-therapists"] },
];

/** Northwind's IdP (SAML). */
export const NORTHWIND_IDP_USERS: IdpUser[] = [
  { sub: "nw-2001", email: "dr.lee@northwind.test", name: "Dr. Daniel Lee", password: IDP_PASSWORD, groups: ["seattle-providers"] },
  { sub: "nw-2002", email: "hana.hygienist@northwind.test", name: "Hana Hygienist", password: IDP_PASSWORD, groups: ["seattle-front-desk"] },
];
