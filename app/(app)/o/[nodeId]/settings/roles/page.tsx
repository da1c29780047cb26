import type { Metadata } from "next";
import Link from "next/link";
import { prisma } from "@/lib/db";
import { can } from "@/lib/context/enterable";
import { requirePage } from "@/lib/context/server";
import { listRoles } from "@/lib/roles/custom";

export const metadata: Metadata = { title: "Roles" };

export default async function RolesPage({ params }: { params: Promise<{ nodeId: string }> }) {
  const { subject, node } = await requirePage((await params).nodeId, "settings.roles");
  const { builtin, custom } = await listRoles(await prisma(), node.id);
  const base = `/o/${node.id}/settings/roles`;
  const canCreate = can(subject, "roles.create", node.id);
  return (
    <div className="space-y-8">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h2 className="text-xl font-semibold">Roles</h2>
          <p className="mt-1 max-w-2xl text-sm text-slate-600">
            Roles are permission templates. Open one to see what it allows, feature by feature, and who holds it {node.kind === "CARE_PROFILE" ? "in this profile" : `in ${node.name}`}.
          </p>
        </div>
        {canCreate ? (
          <Link href={`${base}/new`} className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-brand-700" data-testid="create-role">
            Create custom role
          </Link>
        ) : (
          <p className="text-sm text-slate-600" data-testid="create-role-unavailable">
            Your role here ({node.role}) can read roles but not create them.
          </p>
        )}
      </div>

      <RoleSection title="Custom roles" id="custom-roles" empty={canCreate ? "No custom roles yet. Create one to tailor a built-in role to your team." : "No custom roles yet."}>
        {custom.map((r) => (
          <RoleCard key={r.id} href={`${base}/${encodeURIComponent(r.id)}`} name={r.name} description={r.description} parent={r.parentName} holders={r.holders} />
        ))}
      </RoleSection>

      <RoleSection title="Built-in roles" id="builtin-roles" empty="">
        {builtin.map((r) => (
          <RoleCard key={r.id} href={`${base}/${encodeURIComponent(r.id)}`} name={r.name} description={r.description} parent={null} holders={r.holders} builtin />
        ))}
      </RoleSection>
    </div>
  );
}

function RoleSection({ title, id, empty, children }: { title: string; id: string; empty: string; children: React.ReactNode[] }) {
  return (
    <section aria-labelledby={id}>
      <h3 id={id} className="mb-3 text-sm font-semibold uppercase tracking-wide text-slate-600">
        {title}
      </h3>
      {children.length === 0 ? (
        <p className="rounded-xl border border-dashed border-slate-300 bg-white p-6 text-center text-sm text-slate-600" data-testid={`${id}-empty`}>
          {empty}
        </p>
      ) : (
        <ul className="grid gap-3 md:grid-cols-2" data-testid={id}>
          {children}
        </ul>
      )}
    </section>
  );
}

function RoleCard({ href, name, description, parent, holders, builtin }: { href: string; name: string; description: string; parent: string | null; holders: number; builtin?: boolean }) {
  return (
    <li className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm" data-testid="role-card">
      <div className="flex items-start justify-between gap-3">
        <div className="min-w-0">
          <Link href={href} className="font-semibold text-brand-700 hover:underline">
            {name}
          </Link>
          {parent && <p className="text-xs text-slate-600">Inherits from {parent}</p>}
          {builtin && <p className="text-xs text-slate-600">Built-in · read-only</p>}
        </div>
        <span className="shrink-0 rounded-full bg-slate-100 px-2.5 py-0.5 text-xs font-medium text-slate-700" data-testid="role-holders">
          {holders} {holders === 1 ? "person" : "people"}
        </span>
      </div>
      {description && <p className="mt-2 text-sm text-slate-600">{description}</p>}
    </li>
  );
}
