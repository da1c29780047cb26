"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { answerInvite } from "@/app/(app)/invitations/actions";
import { FormError, Notice, callJson, primaryButton, secondaryButton } from "@/components/account/ui";

/** Accept / decline from the email link: the link itself is the proof, no password is asked. */
export function LinkAnswer({ token }: { token: string }) {
  const [state, setState] = useState<{ pending: boolean; error: string | null; done: string | null }>({ pending: false, error: null, done: null });
  async function answer(kind: "accept" | "decline") {
    setState({ pending: true, error: null, done: null });
    const result = await callJson<{ places: string[]; message?: string }>(`/api/public/invitations/${kind}`, "POST", { token });
    if (!result.ok) return setState({ pending: false, error: result.message, done: null });
    setState({ pending: false, error: null, done: kind === "accept" ? `You joined ${result.data.places.join(", ")}. Sign in to start.` : (result.data.message ?? "Invitation declined.") });
  }
  if (state.done)
    return (
      <div className="mt-6 space-y-4">
        <Notice message={state.done} />
        <a href="/login" className="text-sm font-medium text-brand-700 underline">
          Go to sign in
        </a>
      </div>
    );
  return (
    <div className="mt-6 space-y-4">
      <FormError message={state.error} />
      <div className="flex gap-3">
        <button type="button" className={`flex-1 ${primaryButton}`} disabled={state.pending} onClick={() => void answer("accept")}>
          {state.pending ? "Saving…" : "Accept invitation"}
        </button>
        <button type="button" className={secondaryButton} disabled={state.pending} onClick={() => void answer("decline")}>
          Decline
        </button>
      </div>
    </div>
  );
}

/** The same in the app, for the signed-in person the invitation is for. */
export function InAppAnswer({ tenantId, label }: { tenantId: string; label: string }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function answer(kind: "accept" | "decline") {
    setPending(true);
    setError(null);
    try {
      const result = await answerInvite({ tenantId, answer: kind });
      if (!result.ok) setError(result.error.message);
      else router.refresh();
    } catch {
      setError("Couldn't reach CareAccess. Check your connection and try again.");
    } finally {
      setPending(false);
    }
  }
  return (
    <div className="mt-3 space-y-2">
      <FormError message={error} id={`invite-error-${tenantId}`} />
      <div className="flex gap-2">
        <button type="button" className={primaryButton} disabled={pending} onClick={() => void answer("accept")}>
          Accept<span className="sr-only"> the invitation to {label}</span>
        </button>
        <button type="button" className={secondaryButton} disabled={pending} onClick={() => void answer("decline")}>
          Decline<span className="sr-only"> the invitation to {label}</span>
        </button>
      </div>
    </div>
  );
}
