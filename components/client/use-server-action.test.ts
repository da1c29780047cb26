import { MutationObserver, QueryClient } from "@tanstack/react-query";
import { afterEach, describe, expect, test, vi } from "vitest";
import { fetchJson, formMessage, OFFLINE_MESSAGE } from "./result";
import { serverActionOptions } from "./use-server-action";
import { queryKeys } from "./query-keys";

const client = () => new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });

describe("serverActionOptions", () => {
  test("a refused call fails with the server's message and fields, and pending resets", async () => {
    const qc = client();
    const m = new MutationObserver(qc, serverActionOptions(qc, async (_: number) => ({ ok: false as const, error: { message: "Some fields need attention.", fields: { name: ["Required."] } } })));
    await expect(m.mutate(1)).rejects.toMatchObject({ error: { fields: { name: ["Required."] } } });
    expect(m.getCurrentResult().isPending).toBe(false);
  });

  test("a call that rejects (network) also resets pending and rolls the optimistic change back", async () => {
    const qc = client();
    let value = "old";
    const m = new MutationObserver(
      qc,
      serverActionOptions(qc, async (_: string) => Promise.reject(new TypeError("fetch failed")), {
        optimistic: (v) => {
          const previous = value;
          value = v;
          return () => (value = previous);
        },
      }),
    );
    await expect(m.mutate("new")).rejects.toBeInstanceOf(TypeError);
    expect(value).toBe("old");
    expect(m.getCurrentResult().isPending).toBe(false);
  });

  test("success keeps the optimistic change, calls onSuccess and invalidates every list under the prefix", async () => {
    const qc = client();
    qc.setQueryData(queryKeys.memberList("p1", { q: "", role: "", location: "", status: "", page: 2 }), { rows: [] });
    qc.setQueryData(queryKeys.memberList("p2", { q: "", role: "", location: "", status: "", page: 1 }), { rows: [] });
    const onSuccess = vi.fn();
    const m = new MutationObserver(qc, serverActionOptions(qc, async (n: number) => ({ ok: true as const, data: n * 2 }), { invalidate: [queryKeys.membersAt("p1")], onSuccess }));
    expect(await m.mutate(21)).toBe(42);
    expect(onSuccess).toHaveBeenCalledWith(42, 21);
    const states = qc.getQueryCache().getAll().map((q) => [q.queryKey[1], q.state.isInvalidated]);
    expect(states).toEqual([
      ["p1", true],
      ["p2", false],
    ]);
  });
});

describe("fetchJson", () => {
  afterEach(() => vi.unstubAllGlobals());

  test("maps an error body to the ActionResult error with fields", async () => {
    vi.stubGlobal("fetch", async () => new Response(JSON.stringify({ error: { code: "invalid", message: "Some fields need attention.", fields: { code: ["Wrong code."] } } }), { status: 400 }));
    expect(await fetchJson("/x", { method: "POST", body: {} })).toEqual({ ok: false, error: { code: "invalid", message: "Some fields need attention.", fields: { code: ["Wrong code."] } } });
  });

  test("a network failure is an error, not a throw", async () => {
    vi.stubGlobal("fetch", async () => Promise.reject(new TypeError("offline")));
    expect(await fetchJson("/x")).toEqual({ ok: false, error: { message: OFFLINE_MESSAGE } });
  });
});

test("formMessage: field errors speak for themselves; a form-wide error shows", () => {
  expect(formMessage({ message: "Some fields need attention.", fields: { name: ["Required."] } })).toBeNull();
  expect(formMessage({ message: "Some fields need attention.", fields: { _: ["Send an object."] } })).toBe("Send an object.");
  expect(formMessage({ message: "Too many tries." })).toBe("Too many tries.");
});
