import type { Metadata } from "next";
import { InAppAnswer } from "@/components/invitations/invitation-answer";
import { requireSubject } from "@/lib/auth/session";
import { NODE_KIND_LABEL } from "@/lib/orgs/kinds";
import { prisma } from "@/lib/db";
import { pendingInvitations } from "@/lib/invitations/invitations";
import { membershipsOf, type Membership } from "@/lib/members/memberships";

export const metadata: Metadata = { title: "Home" };

export default async function HomePage() {
  const { user, subject } = await requireSubject();
  const memberships = membershipsOf(subject);
  const tenants = [...new Map(memberships.map((m) => [m.tenantId, m.tenantName])).entries()];
  const firstName = user.name.replace(/^Dr\.\s+/, "").split(" ")[0];
  const invitations = await pendingInvitations(await prisma(), user.id);

  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Welcome, {firstName}</h1>
        <p className="mt-1 text-slate-600">
          {memberships.length === 0
            ? "You don't belong to any practice or care profile yet."
            : `You belong to ${tenants.length} ${tenants.length === 1 ? "organisation" : "organisations"}, with ${memberships.length} ${memberships.length === 1 ? "role" : "roles"}.`}
        </p>
      </div>

      {invitations.length > 0 && (
        <section aria-labelledby="invitations-heading" className="rounded-xl border border-sky-200 bg-sky-50 p-5">
          <h2 id="invitations-heading" className="text-base font-semibold text-sky-950">
            Invitations waiting for you
          </h2>
          <ul className="mt-3 space-y-4">
            {invitations.map((inv) => (
              <li key={inv.tenantId} data-testid="invitation">
                <p className="text-sm text-slate-800">
                  {inv.invitedBy ? `${inv.invitedBy} invited you to ` : "You're invited to "}
                  <strong>{inv.places.join(", ")}</strong>. Nothing changes until you accept.
                </p>
                <InAppAnswer tenantId={inv.tenantId} label={inv.places.join(", ")} />
              </li>
            ))}
          </ul>
        </section>
      )}

      {memberships.length === 0 ? (
        <div className="rounded-xl border border-dashed border-slate-300 bg-white p-10 text-center">
          <h2 className="text-lg font-medium">No access yet</h2>
          <p className="mx-auto mt-2 max-w-md text-sm text-slate-600">
            Ask an administrator of your practice or care profile to invite you. Invitations arrive by email.
          </p>
        </div>
      ) : (
        <section aria-labelledby="where-you-belong">
          <h2 id="where-you-belong" className="sr-only">
            Where you belong
          </h2>
          <ul className="grid gap-4 md:grid-cols-2">
            {memberships.map((m) => (
              <li key={m.bindingId} className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm" data-testid="membership">
                <div className="flex items-start justify-between gap-3">
                  <div className="min-w-0">
                    <p className="text-xs font-medium text-slate-500">{NODE_KIND_LABEL[m.kind]}</p>
                    <h3 className="truncate text-lg font-semibold">{m.nodeName}</h3>
                    {m.path.length > 1 && <p className="truncate text-xs text-slate-500">{m.path.slice(0, -1).join(" › ")}</p>}
                  </div>
                  <span className="shrink-0 rounded-full bg-brand-50 px-3 py-1 text-sm font-medium text-brand-700 ring-1 ring-brand-100">{m.role}</span>
                </div>
                <AccessSummary membership={m} />
                {m.expiresAt && <p className="mt-3 text-xs text-amber-700">Access ends {new Date(m.expiresAt).toLocaleDateString("en-US", { dateStyle: "medium" })}</p>}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

function AccessSummary({ membership }: { membership: Membership }) {
  const groups = [...new Set(membership.access.map((a) => a.group))];
  return (
    <dl className="mt-4 space-y-2 text-sm">
      {groups.map((group) => (
        <div key={group} className="flex gap-3">
          <dt className="w-28 shrink-0 text-slate-500">{group}</dt>
          <dd className="text-slate-700">
            {membership.access
              .filter((a) => a.group === group)
              .map((a) => `${a.label} (${a.actions.join(", ")})`)
              .join("; ")}
          </dd>
        </div>
      ))}
    </dl>
  );
}
