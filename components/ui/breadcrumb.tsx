import Link from "next/link";
import { Fragment } from "react";

/** "Roles / Manager / Edit": every step but the last is a link. */
export function Breadcrumb({ trail, current }: { trail: { href: string; label: string }[]; current: string }) {
  return (
    <nav aria-label="Breadcrumb" className="text-sm">
      {trail.map((step) => (
        <Fragment key={step.href}>
          <Link href={step.href} className="text-brand-700 underline underline-offset-2 hover:no-underline">
            {step.label}
          </Link>
          <span aria-hidden="true" className="text-slate-400">
            {" / "}
          </span>
        </Fragment>
      ))}
      <span className="text-slate-700">{current}</span>
    </nav>
  );
}
