import type { Metadata } from "next";
import Link from "next/link";
import { ExpiringAccess, MyShifts, SecurityAlerts, TeamContacts, TodaysAppointments } from "@/components/overview/cards";
import { CATALOGUE } from "@/lib/authz";
import { careActions, careHeader } from "@/lib/context/care-actions";
import { can } from "@/lib/context/enterable";
import { pageAccess, pageHref } from "@/lib/context/pages";
import { requirePage } from "@/lib/context/server";
import { prisma } from "@/lib/db";
import { placeOverview } from "@/lib/overview/overview";

export const metadata: Metadata = { title: "Overview" };

export default async function PlaceOverview({ params, searchParams }: { params: Promise<{ nodeId: string }>; searchParams: Promise<{ denied?: string }> }) {
  const { subject, node } = await requirePage((await params).nodeId, "overview");
  const { denied } = await searchParams;
  const deniedResource = denied?.split(".")[0];
  const notice = deniedResource && deniedResource in CATALOGUE ? `Your role here (${node.role}) doesn't include that page.` : null;
  const overview = await placeOverview(await prisma(), subject, node);
  const linkTo = (key: Parameters<typeof pageHref>[1]) => (pageAccess(subject, node, key) === "ok" ? pageHref(node, key) : undefined);
  const usersHref = pageHref(node, "settings.users");

  const { people, patients, locations, seats } = overview.stats;
  const stats = [
    people !== null && { label: "People", value: people, href: usersHref, hint: "with a role here or below" },
    patients !== null && { label: "Patients you can see", value: patients, hint: patients === 0 ? "your role here shows no patient records" : "filtered by your role, in the database" },
    locations !== null && { label: "Locations", value: locations, href: can(subject, "locations.read", node.id) ? pageHref(node, "settings.locations") : undefined, hint: "open, below this place" },
    seats !== null && { label: "Seats", value: seats, hint: `people who have joined ${node.tenantName}` },
  ].filter(Boolean) as { label: string; value: number; href?: string; hint: string }[];

  return (
    <div className="space-y-6">
      {notice && <Notice text={notice} />}
      {node.kind === "CARE_PROFILE" && <CareTeamHeader header={careHeader(subject, node)} actions={careActions(subject, node)} />}
      {stats.length > 0 && (
        <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
          {stats.map((c) => (
            <li key={c.label} className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm" data-testid={`stat-${c.label}`}>
              <p className="text-sm text-slate-600">{c.label}</p>
              <p className="mt-1 text-3xl font-semibold tabular-nums">{c.value.toLocaleString("en-US")}</p>
              <p className="mt-1 text-xs text-slate-600">{c.hint}</p>
              {c.href && (
                <Link href={c.href} className="mt-3 inline-block text-sm font-medium text-brand-700 hover:underline">
                  Open {c.label.toLowerCase()}
                </Link>
              )}
            </li>
          ))}
        </ul>
      )}
      <div className="grid gap-4 lg:grid-cols-2">
        {overview.myShifts && <MyShifts shifts={overview.myShifts} scheduleHref={linkTo("care.schedule")} />}
        {overview.contacts && <TeamContacts contacts={overview.contacts} teamHref={linkTo("settings.users")} />}
        {overview.appointments && <TodaysAppointments appointments={overview.appointments} />}
        {overview.expiring && <ExpiringAccess rows={overview.expiring} usersHref={usersHref} />}
        {overview.alerts && <SecurityAlerts alerts={overview.alerts} />}
      </div>
    </div>
  );
}

function CareTeamHeader({ header, actions }: { header: { title: string; context: string }; actions: { id: string; label: string; href: string }[] }) {
  return (
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
  );
}

function Notice({ text }: { text: string }) {
  return (
    <p role="status" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
      {text}
    </p>
  );
}
