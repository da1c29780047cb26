"use client";

import { useMutation, useQueryClient, type MutationOptions, type QueryClient, type QueryKey } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { ActionFailure, toActionError, type ActionError, type ActionResult } from "./result";

export interface ServerActionOptions<I, R> {
  /** Query keys (prefixes) to refetch once the call has settled, successful or not. */
  invalidate?: readonly QueryKey[];
  /**
   * Show the change at once: apply it and return how to undo it; undone if the call fails.
   * Queries under `invalidate` are cancelled first, so a refetch in flight can't overwrite it.
   */
  optimistic?: (input: I) => (() => void) | void;
  /** Re-render the server components of the page after a success (for data that came as props). */
  refresh?: boolean;
  onSuccess?: (data: R, input: I) => void;
}

type Ctx = { rollback?: () => void };

/** The mutation options behind useServerAction; separate so they can be tested without React. */
export function serverActionOptions<I, R>(
  queryClient: QueryClient,
  action: (input: I) => Promise<ActionResult<R>>,
  options: ServerActionOptions<I, R> & { afterSuccess?: () => void } = {},
): MutationOptions<R, Error, I, Ctx> {
  const keys = options.invalidate ?? [];
  return {
    mutationFn: async (input) => {
      const result = await action(input);
      if (!result.ok) throw new ActionFailure(result.error);
      return result.data;
    },
    onMutate: async (input) => {
      if (!options.optimistic) return {};
      await Promise.all(keys.map((queryKey) => queryClient.cancelQueries({ queryKey })));
      return { rollback: options.optimistic(input) ?? undefined };
    },
    onError: (_err, _input, ctx) => ctx?.rollback?.(),
    onSuccess: (data, input) => {
      options.onSuccess?.(data, input);
      options.afterSuccess?.();
    },
    // An optimistic change stays pending until the refetch has replaced it; otherwise the refetch runs on its own.
    onSettled: () => {
      const refetch = Promise.all(keys.map((queryKey) => queryClient.invalidateQueries({ queryKey })));
      return options.optimistic ? refetch : undefined;
    },
  };
}

/**
 * The one way a client component calls a server action (or a REST route through fetchJson):
 * `run(input)` resolves to the ActionResult and never throws; `pending` is false again whether the
 * call succeeded, was refused or never reached the server; `error`, `message` and `fields` describe
 * the last failure until the next run.
 */
export function useServerAction<I, R>(action: (input: I) => Promise<ActionResult<R>>, options: ServerActionOptions<I, R> = {}) {
  const queryClient = useQueryClient();
  const router = useRouter();
  const mutation = useMutation(serverActionOptions(queryClient, action, { ...options, afterSuccess: options.refresh ? () => router.refresh() : undefined }));
  const error: ActionError | null = mutation.error ? toActionError(mutation.error) : null;
  return {
    run: async (input: I): Promise<ActionResult<R>> => {
      try {
        return { ok: true, data: await mutation.mutateAsync(input) };
      } catch (err) {
        return { ok: false, error: toActionError(err) };
      }
    },
    pending: mutation.isPending,
    error,
    message: error?.message ?? null,
    fields: error?.fields,
    reset: mutation.reset,
  };
}

export type ServerAction<I, R> = ReturnType<typeof useServerAction<I, R>>;
