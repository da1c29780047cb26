"use client";

import { useRouter } from "next/navigation";
import { useMemo, useState } from "react";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { Field, FormError, Notice, buttonClass, fieldErrors, inputClass } from "@/components/ui/form";

/** Settings > API access (issue 13): service accounts, API keys (secret shown once) and usage per key. */

type Status = "ACTIVE" | "DISABLED" | "INVITED";
interface View {
  serviceAccounts: { id: string; name: string; description: string | null; status: Status; roles: { roleName: string; nodeName: string }[] }[];
  keys: { id: string; name: string; prefix: string; permissions: string[]; ipRanges: string[]; expiresAt: string | null; expired: boolean; lastUsedAt: string | null; lastUsedIp: string | null; rateLimitPerMinute: number | null; serviceAccountId: string | null; principal: string; createdBy: string }[];
  usage: { keyId: string; hour: string; requests: number; errors: number }[];
  rateLimitPerMinute: number;
  webhooks: {
    endpoints: { id: string; url: string; events: string[]; disabledAt: string | null; consecutiveFailures: number }[];
    deliveries: { id: string; endpointId: string; eventType: string; status: string; attempts: number; lastStatusCode: number | null; lastError: string | null; createdAt: string }[];
  };
}
type Failure = { message: string; fields?: Record<string, string[]> };

async function send(method: string, url: string, body?: unknown): Promise<{ ok: true; data: any } | { ok: false; error: Failure }> {
  const res = await fetch(url, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await res.json().catch(() => null);
  return res.ok ? { ok: true, data: json } : { ok: false, error: json?.error ?? { message: "Something went wrong. Please try again." } };
}

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }) : "Never");

export function ApiAccess(props: {
  nodeId: string;
  view: View;
  myPermissions: string[];
  roles: { id: string; name: string }[];
  places: { id: string; name: string }[];
  canCreate: boolean;
  canDelete: boolean;
  canEditSettings: boolean;
}) {
  const { view, nodeId } = props;
  const router = useRouter();
  const base = `/api/profiles/${nodeId}`;
  const [error, setError] = useState<Failure | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (method: string, url: string, body: unknown, done: (data: any) => void) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    const result = await send(method, url, body);
    setBusy(false);
    if (!result.ok) return setError(result.error);
    done(result.data);
    router.refresh();
  };

  const totals = useMemo(() => {
    const t = new Map<string, { requests: number; errors: number }>();
    for (const u of view.usage) {
      const e = t.get(u.keyId) ?? { requests: 0, errors: 0 };
      t.set(u.keyId, { requests: e.requests + u.requests, errors: e.errors + u.errors });
    }
    return t;
  }, [view.usage]);

  return (
    <div className="space-y-6">
      <FormError message={error ? error.message + (error.fields ? " " + Object.values(error.fields).flat().join(" ") : "") : null} />
      <Notice message={notice} />
      {secret && (
        <section aria-labelledby="secret-title" className="rounded-lg border border-amber-300 bg-amber-50 p-4">
          <h3 id="secret-title" className="font-semibold text-slate-900">Copy the key “{secret.name}” now</h3>
          <p className="text-sm text-slate-700">It is shown only this once. Send it as <code>Authorization: Bearer …</code>.</p>
          <div className="mt-2 flex flex-wrap items-center gap-2">
            <code data-testid="new-key-secret" className="break-all rounded bg-white px-2 py-1 font-mono text-sm text-slate-900">{secret.secret}</code>
            <button type="button" className={buttonClass.secondary} onClick={() => navigator.clipboard?.writeText(secret.secret).then(() => setNotice("Copied."), () => {})}>Copy</button>
            <button type="button" className={buttonClass.secondary} onClick={() => setSecret(null)}>Done</button>
          </div>
        </section>
      )}

      <ServiceAccounts {...props} busy={busy} run={run} base={base} onNotice={setNotice} />
      <Keys {...props} busy={busy} run={run} base={base} totals={totals} onSecret={setSecret} onNotice={setNotice} />
      <Usage view={view} />
      <Webhooks {...props} busy={busy} run={run} base={base} onSecret={setSecret} onNotice={setNotice} />
      <RateLimit {...props} busy={busy} run={run} base={base} onNotice={setNotice} />
    </div>
  );
}

type Run = (method: string, url: string, body: unknown, done: (data: any) => void) => Promise<void>;

function ServiceAccounts({ view, roles, places, canCreate, canDelete, busy, run, base, onNotice }: { view: View; roles: { id: string; name: string }[]; places: { id: string; name: string }[]; canCreate: boolean; canDelete: boolean; busy: boolean; run: Run; base: string; onNotice: (m: string) => void }) {
  const [name, setName] = useState("");
  const [roleId, setRoleId] = useState(roles[0]?.id ?? "");
  const [placeId, setPlaceId] = useState(places[0]?.id ?? "");
  return (
    <section aria-labelledby="sa-title" className="rounded-lg border border-slate-200 bg-white p-4">
      <h3 id="sa-title" className="font-semibold text-slate-900">Service accounts</h3>
      <p className="text-sm text-slate-600">Non-person accounts with a role at a place, like a member. They can't sign in; they act through API keys.</p>
      {view.serviceAccounts.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">No service accounts yet.</p>
      ) : (
        <table className="mt-2 w-full text-left text-sm">
          <thead className="text-slate-600"><tr><th className="py-1">Name</th><th>Role</th><th>Status</th><th><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {view.serviceAccounts.map((a) => (
              <tr key={a.id} className="border-t border-slate-100">
                <td className="py-1.5 font-medium text-slate-900">{a.name}</td>
                <td>{a.roles.map((r) => `${r.roleName} at ${r.nodeName}`).join(", ") || "No role"}</td>
                <td>{a.status === "ACTIVE" ? "Active" : "Disabled"}</td>
                <td className="space-x-2 text-right">
                  {canDelete && (
                    <>
                      <button type="button" disabled={busy} className={buttonClass.secondary} onClick={() => run("PATCH", `${base}/service-accounts/${a.id}`, { status: a.status === "ACTIVE" ? "DISABLED" : "ACTIVE" }, () => onNotice(`${a.name} ${a.status === "ACTIVE" ? "disabled" : "enabled"}.`))}>
                        {a.status === "ACTIVE" ? "Disable" : "Enable"}
                      </button>
                      <button type="button" disabled={busy} className={buttonClass.dangerOutline} onClick={() => confirm(`Remove ${a.name}? Its keys stop working at once.`) && run("DELETE", `${base}/service-accounts/${a.id}`, undefined, () => onNotice(`${a.name} removed.`))}>
                        Remove
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canCreate && (
        <form
          className="mt-3 grid gap-3 sm:grid-cols-4 sm:items-end"
          onSubmit={(e) => {
            e.preventDefault();
            run("POST", `${base}/service-accounts`, { name, roleId, nodeId: placeId }, () => {
              onNotice(`Service account ${name} created.`);
              setName("");
            });
          }}
        >
          <Field id="sa-name" label="New service account"><input id="sa-name" className={inputClass} value={name} onChange={(e) => setName(e.target.value)} placeholder="Phone system" /></Field>
          <Field id="sa-role" label="Role"><select id="sa-role" className={inputClass} value={roleId} onChange={(e) => setRoleId(e.target.value)}>{roles.map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}</select></Field>
          <Field id="sa-place" label="At"><select id="sa-place" className={inputClass} value={placeId} onChange={(e) => setPlaceId(e.target.value)}>{places.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}</select></Field>
          <button type="submit" disabled={busy} className={buttonClass.primary}>Create service account</button>
        </form>
      )}
    </section>
  );
}

function Keys({ view, myPermissions, canCreate, canDelete, busy, run, base, totals, onSecret, onNotice }: { view: View; myPermissions: string[]; canCreate: boolean; canDelete: boolean; busy: boolean; run: Run; base: string; totals: Map<string, { requests: number; errors: number }>; onSecret: (s: { name: string; secret: string }) => void; onNotice: (m: string) => void }) {
  const [name, setName] = useState("");
  const [owner, setOwner] = useState("");
  const [perms, setPerms] = useState<string[]>([]);
  const [expires, setExpires] = useState("");
  const [ranges, setRanges] = useState("");
  const [limit, setLimit] = useState("");
  const [fields, setFields] = useState<Record<string, string[]> | undefined>();
  return (
    <section aria-labelledby="keys-title" className="rounded-lg border border-slate-200 bg-white p-4">
      <h3 id="keys-title" className="font-semibold text-slate-900">API keys</h3>
      {view.keys.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">No API keys yet.</p>
      ) : (
        <table className="mt-2 w-full text-left text-sm">
          <thead className="text-slate-600"><tr><th className="py-1">Key</th><th>Acts as</th><th className="pr-2">Permissions</th><th className="pr-2">Expires</th><th>Last used</th><th>Requests (24 h)</th><th><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {view.keys.map((k) => (
              <tr key={k.id} className="border-t border-slate-100 align-top" data-testid={`key-${k.prefix}`}>
                <td className="py-1.5"><span className="font-medium text-slate-900">{k.name}</span><br /><code className="text-xs text-slate-600">{k.prefix}…</code></td>
                <td>{k.principal}</td>
                <td className="max-w-56 break-words text-xs">{k.permissions.join(", ")}</td>
                <td>{k.expired ? <span className="font-medium text-red-700">Expired</span> : k.expiresAt ? when(k.expiresAt) : "Never"}</td>
                <td>{when(k.lastUsedAt)}{k.lastUsedIp ? <><br /><span className="text-xs text-slate-600">from {k.lastUsedIp}</span></> : null}</td>
                <td data-testid="key-requests">{totals.get(k.id)?.requests ?? 0} <span className="text-xs text-slate-600">({totals.get(k.id)?.errors ?? 0} errors)</span></td>
                <td className="space-x-2 whitespace-nowrap text-right">
                  {canCreate && (
                    <button type="button" disabled={busy} className={buttonClass.secondary} onClick={() => confirm(`Rotate ${k.name}? You get a new secret; the old one keeps working for 24 hours.`) && run("POST", `${base}/api-keys/${k.id}/rotate`, { overlapHours: 24 }, (d) => onSecret({ name: `${k.name} (rotated; the old key works until ${new Date(d.oldKeyWorksUntil).toLocaleString()})`, secret: d.secret }))}>
                      Rotate
                    </button>
                  )}
                  {canDelete && <button type="button" disabled={busy} className={buttonClass.dangerOutline} onClick={() => confirm(`Revoke ${k.name}? It stops working at once.`) && run("DELETE", `${base}/api-keys/${k.id}`, undefined, () => onNotice(`${k.name} revoked.`))}>Revoke</button>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canCreate && (
        <form
          className="mt-4 space-y-3 border-t border-slate-100 pt-3"
          onSubmit={(e) => {
            e.preventDefault();
            setFields(undefined);
            const body = { name, permissions: perms, serviceAccountId: owner || null, expiresAt: expires ? new Date(expires).toISOString() : null, ipRanges: ranges.split(/[\s,]+/).filter(Boolean), rateLimitPerMinute: limit ? Number(limit) : null };
            void run("POST", `${base}/api-keys`, body, (data) => {
              onSecret({ name: data.name, secret: data.secret });
              setName("");
              setPerms([]);
            });
          }}
        >
          <h4 className="text-sm font-semibold text-slate-900">New API key</h4>
          <div className="grid gap-3 sm:grid-cols-3">
            <Field id="key-name" label="Name" error={fieldErrors(fields, "name")}><input id="key-name" className={inputClass} value={name} onChange={(e) => setName(e.target.value)} placeholder="Reporting tool" /></Field>
            <Field id="key-owner" label="Acts as"><select id="key-owner" className={inputClass} value={owner} onChange={(e) => setOwner(e.target.value)}><option value="">Me</option>{view.serviceAccounts.filter((a) => a.status === "ACTIVE").map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}</select></Field>
            <Field id="key-expires" label="Expires (optional)"><input id="key-expires" type="datetime-local" className={inputClass} value={expires} onChange={(e) => setExpires(e.target.value)} /></Field>
            <Field id="key-ranges" label="Allowed IP ranges (optional)" hint="Comma-separated, e.g. 203.0.113.0/24"><input id="key-ranges" className={inputClass} value={ranges} onChange={(e) => setRanges(e.target.value)} /></Field>
            <Field id="key-limit" label="Requests per minute (optional)" hint={`Default: ${view.rateLimitPerMinute}`}><input id="key-limit" type="number" min={1} className={inputClass} value={limit} onChange={(e) => setLimit(e.target.value)} /></Field>
          </div>
          <fieldset>
            <legend className="text-sm font-medium text-slate-900">Permissions (only ones you hold)</legend>
            <div className="mt-1 grid max-h-48 grid-cols-1 gap-x-4 overflow-y-auto rounded border border-slate-200 p-2 text-sm sm:grid-cols-2 lg:grid-cols-4">
              {myPermissions.map((p) => (
                <label key={p} className="flex items-center gap-1.5">
                  <input type="checkbox" checked={perms.includes(p)} onChange={(e) => setPerms(e.target.checked ? [...perms, p] : perms.filter((x) => x !== p))} />
                  {p}
                </label>
              ))}
            </div>
          </fieldset>
          <button type="submit" disabled={busy} className={buttonClass.primary}>Create key</button>
        </form>
      )}
    </section>
  );
}

function Usage({ view }: { view: View }) {
  const [keyId, setKeyId] = useState("");
  const data = useMemo(() => {
    const byHour = new Map<string, { hour: string; requests: number; errors: number }>();
    const now = Date.now();
    for (let i = 23; i >= 0; i--) {
      const h = new Date(Math.floor(now / 3_600_000) * 3_600_000 - i * 3_600_000);
      byHour.set(h.toISOString(), { hour: h.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" }), requests: 0, errors: 0 });
    }
    for (const u of view.usage) {
      if (keyId && u.keyId !== keyId) continue;
      const slot = byHour.get(new Date(u.hour).toISOString());
      if (slot) {
        slot.requests += u.requests - u.errors;
        slot.errors += u.errors;
      }
    }
    return [...byHour.values()];
  }, [view.usage, keyId]);
  return (
    <section aria-labelledby="usage-title" className="rounded-lg border border-slate-200 bg-white p-4">
      <div className="flex flex-wrap items-end justify-between gap-2">
        <h3 id="usage-title" className="font-semibold text-slate-900">Usage, last 24 hours</h3>
        <label className="text-sm text-slate-700">
          Key{" "}
          <select className="ml-1 rounded-md border border-slate-300 px-2 py-1 text-sm" value={keyId} onChange={(e) => setKeyId(e.target.value)}>
            <option value="">All keys</option>
            {view.keys.map((k) => <option key={k.id} value={k.id}>{k.name}</option>)}
          </select>
        </label>
      </div>
      <div className="mt-2 h-56" role="img" aria-label={`Requests per hour: ${data.reduce((n, d) => n + d.requests + d.errors, 0)} in the last 24 hours`}>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
            <XAxis dataKey="hour" tick={{ fontSize: 11, fill: "#475569" }} interval={3} />
            <YAxis allowDecimals={false} tick={{ fontSize: 11, fill: "#475569" }} />
            <Tooltip />
            <Legend />
            <Bar dataKey="requests" name="Successful" stackId="a" fill="#2563eb" isAnimationActive={false} />
            <Bar dataKey="errors" name="Errors" stackId="a" fill="#b91c1c" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
    </section>
  );
}

function RateLimit({ view, canEditSettings, busy, run, base, onNotice }: { view: View; canEditSettings: boolean; busy: boolean; run: Run; base: string; onNotice: (m: string) => void }) {
  const [value, setValue] = useState(String(view.rateLimitPerMinute));
  return (
    <section aria-labelledby="limit-title" className="rounded-lg border border-slate-200 bg-white p-4">
      <h3 id="limit-title" className="font-semibold text-slate-900">Rate limit</h3>
      <p className="text-sm text-slate-600">Requests per minute allowed for each key unless the key has its own limit. Beyond it the API answers 429 with a Retry-After header.</p>
      <form className="mt-2 flex items-end gap-2" onSubmit={(e) => { e.preventDefault(); run("PUT", `${base}/api-settings`, { rateLimitPerMinute: Number(value) }, () => onNotice("Rate limit saved.")); }}>
        <Field id="tenant-limit" label="Per key, per minute"><input id="tenant-limit" type="number" min={1} disabled={!canEditSettings} className={inputClass} value={value} onChange={(e) => setValue(e.target.value)} /></Field>
        {canEditSettings && <button type="submit" disabled={busy} className={buttonClass.secondary}>Save</button>}
      </form>
    </section>
  );
}

const EVENTS = ["member", "role", "settings", "invitation", "access_request", "emergency_access", "service_account", "api_key"];

function Webhooks({ view, canCreate, busy, run, base, onSecret, onNotice }: { view: View; canCreate: boolean; busy: boolean; run: Run; base: string; onSecret: (s: { name: string; secret: string }) => void; onNotice: (m: string) => void }) {
  const [url, setUrl] = useState("");
  const [events, setEvents] = useState<string[]>([]);
  const urls = new Map(view.webhooks.endpoints.map((e) => [e.id, e.url]));
  return (
    <section aria-labelledby="hooks-title" className="rounded-lg border border-slate-200 bg-white p-4">
      <h3 id="hooks-title" className="font-semibold text-slate-900">Webhooks</h3>
      <p className="text-sm text-slate-600">Signed (Standard Webhooks) notifications of changes, retried with backoff. An endpoint that keeps failing is disabled and you get an email.</p>
      {view.webhooks.endpoints.length > 0 && (
        <ul className="mt-2 space-y-1 text-sm">
          {view.webhooks.endpoints.map((e) => (
            <li key={e.id} className="flex flex-wrap items-center gap-2">
              <code className="break-all">{e.url}</code>
              <span className="text-slate-600">{e.events.join(", ")}</span>
              {e.disabledAt ? <span className="font-medium text-red-700">Disabled</span> : <span className="text-slate-600">Active</span>}
              {canCreate && (
                <>
                  <button type="button" disabled={busy} className={buttonClass.secondary} onClick={() => run("PATCH", `${base}/webhooks/${e.id}`, { action: "rotate_secret" }, (d) => onSecret({ name: e.url, secret: d.secret }))}>Rotate secret</button>
                  <button type="button" disabled={busy} className={buttonClass.secondary} onClick={() => run("PATCH", `${base}/webhooks/${e.id}`, { action: e.disabledAt ? "enable" : "disable" }, () => onNotice(e.disabledAt ? "Webhook enabled." : "Webhook disabled."))}>{e.disabledAt ? "Enable" : "Disable"}</button>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      {canCreate && (
        <form
          className="mt-3 space-y-2"
          onSubmit={(e) => {
            e.preventDefault();
            void run("POST", `${base}/webhooks`, { url, events }, (d) => {
              onSecret({ name: d.url, secret: d.secret });
              setUrl("");
              setEvents([]);
            });
          }}
        >
          <Field id="hook-url" label="Endpoint URL"><input id="hook-url" className={inputClass} value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://example.com/careaccess-webhooks" /></Field>
          <fieldset>
            <legend className="text-sm font-medium text-slate-900">Events</legend>
            <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1 text-sm">
              {EVENTS.map((ev) => (
                <label key={ev} className="flex items-center gap-1.5">
                  <input type="checkbox" checked={events.includes(ev)} onChange={(e) => setEvents(e.target.checked ? [...events, ev] : events.filter((x) => x !== ev))} />
                  {ev}
                </label>
              ))}
            </div>
          </fieldset>
          <button type="submit" disabled={busy} className={buttonClass.primary}>Add webhook</button>
        </form>
      )}
      <h4 className="mt-4 text-sm font-semibold text-slate-900">Deliveries</h4>
      {view.webhooks.deliveries.length === 0 ? (
        <p className="text-sm text-slate-600">No deliveries yet.</p>
      ) : (
        <table className="mt-1 w-full text-left text-sm" data-testid="deliveries">
          <thead className="text-slate-600"><tr><th className="py-1">Event</th><th>Endpoint</th><th>Status</th><th>Response</th><th>Attempts</th><th><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {view.webhooks.deliveries.map((d) => (
              <tr key={d.id} className="border-t border-slate-100">
                <td className="py-1.5">{d.eventType}</td>
                <td className="max-w-48 truncate">{urls.get(d.endpointId)}</td>
                <td>{d.status}</td>
                <td>{d.lastStatusCode ?? d.lastError ?? "—"}</td>
                <td>{d.attempts}</td>
                <td className="text-right">{canCreate && <button type="button" disabled={busy} className={buttonClass.secondary} onClick={() => run("POST", `${base}/webhooks/deliveries/${d.id}`, undefined, () => onNotice("Queued again."))}>Redeliver</button>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
