import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { CareHeader, EmptyState, cardClass, linkButton } from "@/components/care/ui";
import { HoursEditor } from "@/components/schedule/hours-editor";
import { decide, lookupNode, subtreeIds } from "@/lib/authz";
import { localDate } from "@/lib/care/time";
import { holds } from "@/lib/context/enterable";
import { requirePage } from "@/lib/context/server";
import { prisma } from "@/lib/db";
import { hoursOf, locationOf, providerWeeks } from "@/lib/schedule/appointments";

export const metadata: Metadata = { title: "Provider hours" };

const query = z.object({ location: z.uuid().optional().catch(undefined), provider: z.uuid().optional().catch(undefined) });

/**
 * A provider's weekly hours, breaks and days off at a location. A Provider edits their own; a
 * Manager, Admin or Owner those of the providers at their places (availability.edit decides).
 */
export default async function HoursPage({ params, searchParams }: { params: Promise<{ nodeId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { subject, node } = await requirePage((await params).nodeId, "schedule.hours");
  const sp = await searchParams;
  const q = query.parse({ location: typeof sp.location === "string" ? sp.location : undefined, provider: typeof sp.provider === "string" ? sp.provider : undefined });
  const db = await prisma();
  const tree = subject.trees.find((t) => t.rootId === node.tenantId)!;
  const timeZone = lookupNode(subject, node.id)!.timeZone;
  const today = localDate(new Date(), timeZone);
  const locations = await Promise.all(
    subtreeIds(tree, node.id)
      .map((id) => lookupNode(subject, id)!)
      .filter((n) => n.kind === "LOCATION" && !n.archived && holds(subject, "availability.edit", n.id))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map(async (n) => {
        const weeks = await providerWeeks(db, subject, locationOf(subject, n.id), today, today);
        const providers = weeks.map((w) => w.provider).filter((p) => decide(subject, "availability.edit", { nodeId: n.id, ownerId: p.id }));
        // A provider without hours yet can still set their own (the server checks they are a provider there).
        if (!decide(subject, "availability.edit", { nodeId: n.id }) && decide(subject, "availability.edit", { nodeId: n.id, ownerId: subject.userId }) && !providers.some((p) => p.id === subject.userId)) {
          const me = await db.user.findUnique({ where: { id: subject.userId }, select: { id: true, name: true } });
          if (me) providers.push(me);
        }
        return { id: n.id, name: n.name, providers };
      }),
  );
  const withProviders = locations.filter((l) => l.providers.length > 0);
  const location = withProviders.find((l) => l.id === q.location) ?? withProviders[0];
  const provider = location?.providers.find((p) => p.id === q.provider) ?? location?.providers.find((p) => p.id === subject.userId) ?? location?.providers[0];
  const data = location && provider ? await hoursOf(db, subject, location.id, provider.id, today) : null;
  const base = `/o/${node.id}/schedule/hours`;

  return (
    <div className="space-y-4">
      <section className={cardClass} aria-labelledby="care-page-title">
        <CareHeader title="Provider hours" subtitle={location && provider ? `${provider.name} at ${location.name} · times in ${timeZone.replace(/_/g, " ")}` : node.name}>
          <Link href={`/o/${node.id}/schedule`} className={linkButton.secondary}>
            Back to the schedule
          </Link>
        </CareHeader>
        {withProviders.length > 0 && (withProviders.length > 1 || withProviders.some((l) => l.providers.length > 1)) && (
          <nav aria-label="Providers" className="mt-4 flex flex-wrap gap-2 text-sm">
            {withProviders.flatMap((l) =>
              l.providers.map((p) => {
                const current = l.id === location?.id && p.id === provider?.id;
                return (
                  <Link key={`${l.id}-${p.id}`} href={`${base}?location=${l.id}&provider=${p.id}`} className={current ? linkButton.primary : linkButton.secondary} aria-current={current ? "page" : undefined}>
                    {p.name} · {l.name}
                  </Link>
                );
              }),
            )}
          </nav>
        )}
      </section>
      {!location || !provider || !data ? (
        <EmptyState title="No provider hours to edit here" testId="hours-empty">
          Hours belong to providers at a location. When a provider works at one of your locations, their week shows here.
        </EmptyState>
      ) : (
        <section className={cardClass} aria-labelledby="hours-heading">
          <h3 id="hours-heading" className="font-semibold text-slate-900">
            {provider.id === subject.userId ? "Your week" : `${provider.name}'s week`} at {location.name}
          </h3>
          <p className="mt-1 text-sm text-slate-600">Appointments are booked only inside working hours, never in a break or on a day off.</p>
          <div className="mt-4">
            <HoursEditor key={`${location.id}-${provider.id}`} nodeId={location.id} providerId={provider.id} providerName={provider.name} initial={data.hours} daysOff={data.daysOff} today={today} />
          </div>
        </section>
      )}
    </div>
  );
}
