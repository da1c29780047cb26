"use client";

import { useState } from "react";
import { ReauthPrompt } from "@/components/account/forms";
import type { ActionResult } from "./result";
import { useServerAction } from "./use-server-action";

/**
 * A server action that may need a fresh password (requireRecentAuth answers 403 with
 * `fields.reauth`): the page is refreshed after a success; on a re-auth refusal `prompt` is the
 * password form, and once confirmed the same input runs again. `fields` and `message` leave the
 * re-auth refusal out (the prompt says it).
 */
export function useReauthAction<I, R>(fn: (input: I) => Promise<ActionResult<R>>, onOk?: (data: R) => void) {
  const a = useServerAction(fn, { refresh: true });
  const [retry, setRetry] = useState<{ input: I } | null>(null);
  const run = async (input: I) => {
    const r = await a.run(input);
    if (!r.ok && r.error.fields?.reauth) setRetry({ input });
    else if (r.ok) onOk?.(r.data);
    return r;
  };
  const prompt = retry ? (
    <ReauthPrompt
      onCancel={() => setRetry(null)}
      onDone={() => {
        const again = retry.input;
        setRetry(null);
        void run(again);
      }}
    />
  ) : null;
  return { run, pending: a.pending, fields: a.fields?.reauth ? undefined : a.fields, message: a.fields?.reauth ? null : a.message, prompt };
}
