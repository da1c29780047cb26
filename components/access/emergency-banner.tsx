"use client";

import { useEffect, useState } from "react";
import { endEmergencyAccess } from "@/lib/access/actions";
import { useServerAction } from "@/components/client/use-server-action";

export interface BannerItem {
  id: string;
  what: string;
  endsAt: string;
  href: string;
}

const left = (endsAt: string, now: number) => {
  const ms = Date.parse(endsAt) - now;
  if (ms <= 0) return "ended";
  const min = Math.floor(ms / 60_000);
  const sec = Math.floor((ms % 60_000) / 1000);
  return min >= 1 ? `${min} min left` : `${sec} s left`;
};

/** On every page while the person's break-glass access lasts (issue 11): what, time left, end it now. */
export function EmergencyBanner({ items }: { items: BannerItem[] }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(t);
  }, []);
  const end = useServerAction(endEmergencyAccess, { refresh: true });
  return (
    <div role="status" className="border-b border-red-300 bg-red-50" data-testid="emergency-banner">
      <div className="mx-auto max-w-6xl space-y-1 px-4 py-2 text-sm text-red-950 sm:px-6">
        {items.map((e) => (
          <p key={e.id} className="flex flex-wrap items-center gap-x-3 gap-y-1">
            <strong className="font-semibold">Emergency access in force:</strong>
            <a href={e.href} className="underline">
              {e.what}
            </a>
            <span data-testid="emergency-time-left">
              {left(e.endsAt, now)} (until {new Date(e.endsAt).toLocaleTimeString("en-US", { hour: "2-digit", minute: "2-digit" })})
            </span>
            <span>Everything you open is recorded and will be reviewed.</span>
            <button type="button" className="rounded-md border border-red-300 bg-white px-2 py-0.5 text-xs font-medium text-red-800 hover:bg-red-100" disabled={end.pending} onClick={() => void end.run({ emergencyId: e.id })} data-testid="emergency-end">
              End now
            </button>
          </p>
        ))}
        {end.message && <p role="alert">{end.message}</p>}
      </div>
    </div>
  );
}
