"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { FormError } from "@/components/ui/form";

/** Exchanges the single-use SSO ticket for a session (next-auth's "sso" provider), then goes on. */
export function CompleteSsoSignIn({ ticket, next }: { ticket: string; next: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    signIn("sso", { ticket, redirect: false })
      .then((result) => {
        if (!result || result.error) {
          setError(result?.error && result.error !== "CredentialsSignin" ? result.error : "That single sign-on attempt took too long or was already finished. Start again.");
          return;
        }
        router.replace(next);
        router.refresh();
      })
      .catch(() => setError("We couldn't reach CareAccess. Check your connection and try again."));
  }, [ticket, next, router]);
  if (error)
    return (
      <div className="space-y-4">
        <FormError message={error} />
        <a href="/login" className="inline-block text-sm text-brand-700 underline hover:text-brand-800">
          Back to sign-in
        </a>
      </div>
    );
  return (
    <p role="status" className="text-sm text-slate-600">
      Opening your session…
    </p>
  );
}
