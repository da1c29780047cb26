import type { Metadata } from "next";
import Link from "next/link";
import { CATALOGUE, where, type Permission } from "@/lib/authz";
import { prisma } from "@/lib/db";
import { careActions, careHeader } from "@/lib/context/care-actions";
import { can } from "@/lib/context/enterable";
import { requireContext } from "@/lib/context/server";
import { countMembers } from "@/lib/members/directory";

export const metadata: Metadata = { title: "Overview" };

export default async function PlaceOverview({ params, searchParams }: { params: Promise<{ nodeId: string }>; searchParams: Promise<{ denied?: string }> }) {
  const { subject, node } = await requireContext((await params).nodeId);
  const { denied } = await searchParams;
  const deniedResource = denied?.split(".")[0];
  const notice = deniedResource && deniedResource in CATALOGUE ? `Your role here (${node.role}) doesn't include that page.` : null;

  if (node.kind === "CARE_PROFILE") {
    const header = careHeader(subject, node);
    const actions = careActions(subject, node);
    return (
      <div className="space-y-6">
        {notice && <Notice text={notice} />}
        <section aria-labelledby="care-team" className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
          <div className="flex flex-wrap items-start justify-between gap-4">
            <div>
              <h2 id="care-team" className="text-xl font-semibold" data-testid="care-header">
                {header.title}
              </h2>
              <p className="mt-1 text-sm text-slate-600">{header.context}</p>
            </div>
            <div className="flex flex-wrap gap-2" data-testid="care-actions">
              {actions.map((a, i) => (
                <Link
                  key={a.id}
                  href={a.href}
                  className={i === 0 ? "rounded-md bg-brand-600 px-3 py-2 text-sm font-medium text-white hover:bg-brand-700" : "rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-50"}
                >
                  {a.label}
                </Link>
              ))}
            </div>
          </div>
        </section>
      </div>
    );
  }

  const db = await prisma();
  const patientPermission: Permission = "patients.read_contact";
  const [members, patients, locations] = await Promise.all([
    can(subject, "members.read", node.id) ? countMembers(db, node.id) : null,
    db.patient.count({ where: { AND: [where(subject, patientPermission, "patient"), { node: { ancestorLinks: { some: { ancestorId: node.id } } } }] } }),
    db.orgNodeClosure.count({ where: { ancestorId: node.id, descendant: { kind: "LOCATION", archivedAt: null } } }),
  ]);
  const cards = [
    members !== null && { label: "People", value: members, href: `/o/${node.id}/settings/users`, hint: "with a role here or below" },
    { label: "Patients you can see", value: patients, hint: patients === 0 ? "your role here shows no patient records" : "filtered by your role, in the database" },
    node.kind !== "LOCATION" && { label: "Locations", value: locations, href: can(subject, "locations.read", node.id) ? `/o/${node.id}/settings/locations` : undefined, hint: "open, below this place" },
  ].filter(Boolean) as { label: string; value: number; href?: string; hint: string }[];

  return (
    <div className="space-y-6">
      {notice && <Notice text={notice} />}
      <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        {cards.map((c) => (
          <li key={c.label} className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm" data-testid={`stat-${c.label}`}>
            <p className="text-sm text-slate-600">{c.label}</p>
            <p className="mt-1 text-3xl font-semibold tabular-nums">{c.value.toLocaleString("en-US")}</p>
            <p className="mt-1 text-xs text-slate-500">{c.hint}</p>
            {c.href && (
              <Link href={c.href} className="mt-3 inline-block text-sm font-medium text-brand-700 hover:underline">
                Open {c.label.toLowerCase()}
              </Link>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

function Notice({ text }: { text: string }) {
  return (
    <p role="status" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
      {text}
    </p>
  );
}
