import Link from "next/link";
import { dayLabel } from "@/lib/care/time";

/** Shared pieces of the care-team pages (server components: links and markup only). */

export const cardClass = "rounded-xl border border-slate-200 bg-white p-5 shadow-sm";
export const linkButton = {
  primary: "inline-flex items-center rounded-md bg-brand-600 px-3 py-2 text-sm font-medium text-white shadow-sm hover:bg-brand-700",
  secondary: "inline-flex items-center rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-50",
};

export function CareHeader({ title, subtitle, children }: { title: string; subtitle?: React.ReactNode; children?: React.ReactNode }) {
  return (
    <div className="flex flex-wrap items-start justify-between gap-4">
      <div className="min-w-0">
        <h2 id="care-page-title" className="text-xl font-semibold" data-testid="care-page-title">
          {title}
        </h2>
        {subtitle && <p className="mt-1 text-sm text-slate-600">{subtitle}</p>}
      </div>
      {children && <div className="flex flex-wrap gap-2">{children}</div>}
    </div>
  );
}

/** Previous / this / next week, keeping the rest of the page's address. */
export function WeekNav({ base, week, current }: { base: string; week: { monday: string; previous: string; next: string; days: string[] }; current: string }) {
  const href = (monday: string) => `${base}?week=${monday}`;
  return (
    <nav aria-label="Week" className="flex flex-wrap items-center gap-2 text-sm">
      <Link href={href(week.previous)} className={linkButton.secondary} aria-label={`Previous week, from ${dayLabel(week.previous, "long")}`}>
        ← Previous
      </Link>
      {week.monday !== current && (
        <Link href={href(current)} className={linkButton.secondary}>
          This week
        </Link>
      )}
      <Link href={href(week.next)} className={linkButton.secondary} aria-label={`Next week, from ${dayLabel(week.next, "long")}`}>
        Next →
      </Link>
    </nav>
  );
}

export const weekTitle = (days: string[]) => `${dayLabel(days[0], "long")} – ${dayLabel(days[6], "long")}`;

export function EmptyState({ title, children, testId }: { title: string; children?: React.ReactNode; testId?: string }) {
  return (
    <div className="rounded-xl border border-dashed border-slate-300 bg-white p-8 text-center" data-testid={testId}>
      <p className="font-medium text-slate-800">{title}</p>
      {children && <div className="mx-auto mt-1 max-w-md text-sm text-slate-600">{children}</div>}
    </div>
  );
}
