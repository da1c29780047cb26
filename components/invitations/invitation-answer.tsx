"use client";

import { useState } from "react";
import { answerInvite } from "@/lib/invitations/actions";
import { fetchJson } from "@/components/client/result";
import { useServerAction } from "@/components/client/use-server-action";
import { FormError, Notice, buttonClass } from "@/components/ui/form";

const primaryButton = buttonClass.primaryLarge;
const secondaryButton = buttonClass.secondaryRaised;

/** Accept / decline from the email link: the link itself is the proof, no password is asked. */
export function LinkAnswer({ token }: { token: string }) {
  const [done, setDone] = useState<string | null>(null);
  const call = useServerAction((kind: "accept" | "decline") => fetchJson<{ places: string[]; message?: string }>(`/api/public/invitations/${kind}`, { method: "POST", body: { token } }), {
    onSuccess: (data, kind) => setDone(kind === "accept" ? `You joined ${data.places.join(", ")}. Sign in to start.` : (data.message ?? "Invitation declined.")),
  });
  if (done)
    return (
      <div className="mt-6 space-y-4">
        <Notice message={done} />
        <a href="/login" className="text-sm font-medium text-brand-700 underline">
          Go to sign in
        </a>
      </div>
    );
  return (
    <div className="mt-6 space-y-4">
      <FormError id="form-error" message={call.message} />
      <div className="flex gap-3">
        <button type="button" className={`flex-1 ${primaryButton}`} disabled={call.pending} onClick={() => void call.run("accept")}>
          {call.pending ? "Saving…" : "Accept invitation"}
        </button>
        <button type="button" className={secondaryButton} disabled={call.pending} onClick={() => void call.run("decline")}>
          Decline
        </button>
      </div>
    </div>
  );
}

/** The same in the app, for the signed-in person the invitation is for. */
export function InAppAnswer({ tenantId, label }: { tenantId: string; label: string }) {
  const call = useServerAction((answer: "accept" | "decline") => answerInvite({ tenantId, answer }), { refresh: true });
  return (
    <div className="mt-3 space-y-2">
      <FormError message={call.message} id={`invite-error-${tenantId}`} />
      <div className="flex gap-2">
        <button type="button" className={primaryButton} disabled={call.pending} onClick={() => void call.run("accept")}>
          Accept<span className="sr-only"> the invitation to {label}</span>
        </button>
        <button type="button" className={secondaryButton} disabled={call.pending} onClick={() => void call.run("decline")}>
          Decline<span className="sr-only"> the invitation to {label}</span>
        </button>
      </div>
    </div>
  );
}
