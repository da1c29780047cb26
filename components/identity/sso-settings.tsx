"use client";

import { useState } from "react";
import { useReauthAction } from "@/components/client/use-reauth-action";
import { Field, FormError, Notice, buttonClass, fieldErrors, inputClass } from "@/components/ui/form";
import { PlaceSelect, RoleSelect, type PlaceOption, type RoleOption } from "@/components/ui/select";
import {
  addDomainAction,
  addMappingAction,
  createScimTokenAction,
  deleteConnectionAction,
  deleteDirectoryAction,
  deleteMappingAction,
  previewDirectorySyncAction,
  removeDomainAction,
  revokeScimTokenAction,
  runDirectorySyncAction,
  saveConnectionAction,
  saveDirectoryAction,
  setDomainSsoAction,
  verifyDomainAction,
} from "@/lib/identity/actions";
import type { IdentitySettingsView } from "@/lib/identity/view";
import type { SyncPlan } from "@/lib/identity/ldap";

type View = IdentitySettingsView;
const box = "rounded-xl border border-slate-200 bg-white p-6 shadow-sm";
const th = "px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-slate-600";
const td = "px-3 py-2 align-top text-sm text-slate-800";
const badge = (ok: boolean) => `inline-block rounded-full px-2 py-0.5 text-xs font-medium ring-1 ${ok ? "bg-emerald-50 text-emerald-800 ring-emerald-200" : "bg-amber-50 text-amber-900 ring-amber-200"}`;

const useCall = useReauthAction;

export function SsoSettings({ tenantId, view, places, canEdit }: { tenantId: string; view: View; places: PlaceOption[]; canEdit: boolean }) {
  const roles: RoleOption[] = view.roles;
  return (
    <div className="space-y-6">
      {!canEdit && <p className="rounded-md bg-slate-100 px-3 py-2 text-sm text-slate-700">You can see these settings; changing them needs the Security settings edit permission.</p>}
      <Domains tenantId={tenantId} view={view} canEdit={canEdit} />
      <Connections tenantId={tenantId} view={view} canEdit={canEdit} roles={roles} places={places} />
      <Mappings tenantId={tenantId} view={view} canEdit={canEdit} roles={roles} places={places} />
      <Scim tenantId={tenantId} view={view} canEdit={canEdit} />
      <Directories tenantId={tenantId} view={view} canEdit={canEdit} />
    </div>
  );
}

function SaveOrCancel({ pending, label, onCancel }: { pending: boolean; label: string; onCancel: () => void }) {
  return (
    <div className="flex gap-2">
      <button type="submit" disabled={pending} className={buttonClass.primary}>
        {label}
      </button>
      <button type="button" onClick={onCancel} className={buttonClass.secondary}>
        Cancel
      </button>
    </div>
  );
}

// ───────────── Domains ─────────────

function Domains({ tenantId, view, canEdit }: { tenantId: string; view: View; canEdit: boolean }) {
  const add = useCall(addDomainAction);
  const [domain, setDomain] = useState("");
  return (
    <section aria-labelledby="domains" className={box}>
      <h3 id="domains" className="text-base font-semibold">Email domains</h3>
      <p className="mt-1 text-sm text-slate-600">A verified domain makes this organisation the manager of every account with that email, and lets it require single sign-on for them. Only one organisation can hold a domain verified.</p>
      {view.domains.length === 0 ? (
        <p className="mt-4 text-sm text-slate-600">No domains yet.</p>
      ) : (
        <ul className="mt-4 divide-y divide-slate-100">
          {view.domains.map((d) => (
            <DomainRow key={d.domain} tenantId={tenantId} d={d} connections={view.connections} canEdit={canEdit} />
          ))}
        </ul>
      )}
      {canEdit && (
        <form
          className="mt-4 flex flex-wrap items-end gap-2"
          noValidate
          onSubmit={async (e) => {
            e.preventDefault();
            if ((await add.run({ tenantId, domain })).ok) setDomain("");
          }}
        >
          <div className="min-w-64 flex-1">
            <Field id="new-domain" label="Add a domain" error={fieldErrors(add.fields, "domain")}>
              <input id="new-domain" value={domain} onChange={(e) => setDomain(e.target.value)} placeholder="clinic.example" className={inputClass} aria-invalid={Boolean(fieldErrors(add.fields, "domain"))} aria-describedby={fieldErrors(add.fields, "domain") ? "new-domain-error" : undefined} />
            </Field>
          </div>
          <button type="submit" disabled={add.pending} className={buttonClass.primary}>
            Add domain
          </button>
          {add.prompt}
        </form>
      )}
    </section>
  );
}

function DomainRow({ tenantId, d, connections, canEdit }: { tenantId: string; d: View["domains"][number]; connections: View["connections"]; canEdit: boolean }) {
  const verify = useCall(verifyDomainAction);
  const remove = useCall(removeDomainAction);
  const save = useCall(setDomainSsoAction, () => setSaved(true));
  const [connectionId, setConnectionId] = useState(d.ssoConnectionId ?? "");
  const [requireSso, setRequireSso] = useState(d.requireSso);
  const [owners, setOwners] = useState(d.ownersMayUsePassword);
  const [saved, setSaved] = useState(false);
  const [checkError, setCheckError] = useState<string | null>(null);
  const slug = d.domain.replace(/[^a-z0-9]/g, "-");
  return (
    <li className="py-4" data-testid={`domain-${d.domain}`}>
      <div className="flex flex-wrap items-center gap-3">
        <span className="font-mono text-sm font-medium text-slate-900">{d.domain}</span>
        <span className={badge(!!d.verifiedAt)}>{d.verifiedAt ? "Verified" : "Not verified"}</span>
        {d.requireSso && <span className="inline-block rounded-full bg-brand-50 px-2 py-0.5 text-xs font-medium text-brand-800 ring-1 ring-brand-200">SSO required</span>}
        {canEdit && (
          <span className="ml-auto flex gap-2">
            {!d.verifiedAt && (
              <button
                type="button"
                className={buttonClass.secondary}
                disabled={verify.pending}
                aria-label={`Verify ${d.domain}`}
                onClick={async () => {
                  const r = await verify.run({ tenantId, domain: d.domain });
                  setCheckError(r.ok ? r.data.error : null);
                }}
              >
                {verify.pending ? "Checking DNS…" : "Verify"}
              </button>
            )}
            <button type="button" className={buttonClass.secondary} disabled={remove.pending} aria-label={`Remove ${d.domain}`} onClick={() => remove.run({ tenantId, domain: d.domain })}>
              Remove
            </button>
          </span>
        )}
      </div>
      {!d.verifiedAt && d.verificationToken && (
        <p className="mt-2 text-sm text-slate-700">
          Add a TXT record to <span className="font-mono">{d.domain}</span> with the value <code className="break-all rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-900">careaccess-verification={d.verificationToken}</code>, then choose Verify.
        </p>
      )}
      <FormError message={checkError ?? verify.message ?? remove.message ?? (d.verifiedAt ? null : d.lastCheckError)} />
      {verify.prompt}
      {remove.prompt}
      {d.verifiedAt && (
        <form
          className="mt-3 grid gap-3 rounded-lg bg-slate-50 p-3 md:grid-cols-[minmax(0,1fr)_auto]"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            setSaved(false);
            void save.run({ tenantId, domain: d.domain, connectionId: connectionId || null, requireSso, ownersMayUsePassword: owners });
          }}
        >
          <div className="space-y-2">
            <Field id={`conn-${slug}`} label="Sign in through" error={fieldErrors(save.fields, "connectionId")}>
              <select id={`conn-${slug}`} value={connectionId} disabled={!canEdit} onChange={(e) => setConnectionId(e.target.value)} className={inputClass}>
                <option value="">No single sign-on</option>
                {connections.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name} ({c.kind.toUpperCase()})
                  </option>
                ))}
              </select>
            </Field>
            <label className="flex items-center gap-2 text-sm text-slate-800">
              <input type="checkbox" checked={requireSso} disabled={!canEdit} onChange={(e) => setRequireSso(e.target.checked)} className="h-4 w-4 rounded border-slate-300" />
              Require single sign-on (password sign-in is refused for {d.domain})
            </label>
            <label className="flex items-center gap-2 text-sm text-slate-800">
              <input type="checkbox" checked={owners} disabled={!canEdit || !requireSso} onChange={(e) => setOwners(e.target.checked)} className="h-4 w-4 rounded border-slate-300" />
              Owners may still use their password (break-glass)
            </label>
          </div>
          {canEdit && (
            <div className="flex items-end">
              <button type="submit" disabled={save.pending} className={buttonClass.primary} aria-label={`Save sign-in for ${d.domain}`}>
                Save
              </button>
            </div>
          )}
          <div className="md:col-span-2">
            <FormError message={save.message} />
            <Notice message={saved ? `Sign-in for ${d.domain} saved.` : null} />
            {save.prompt}
          </div>
        </form>
      )}
    </li>
  );
}

// ───────────── Connections ─────────────

type Conn = View["connections"][number];

function Connections({ tenantId, view, canEdit, roles, places }: { tenantId: string; view: View; canEdit: boolean; roles: RoleOption[]; places: PlaceOption[] }) {
  const [editing, setEditing] = useState<string | "new" | null>(null);
  const remove = useCall(deleteConnectionAction);
  return (
    <section aria-labelledby="connections" className={box}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 id="connections" className="text-base font-semibold">Identity providers</h3>
        {canEdit && editing === null && (
          <button type="button" className={buttonClass.primary} onClick={() => setEditing("new")}>
            Add identity provider
          </button>
        )}
      </div>
      <p className="mt-1 text-sm text-slate-600">OpenID Connect or SAML 2.0. People of your verified domains who sign in for the first time get an account just in time, with the default role below unless a group mapping gives them one.</p>
      {editing === "new" && <ConnectionForm tenantId={tenantId} roles={roles} places={places} redirectUri={view.oidcRedirectUri} onDone={() => setEditing(null)} />}
      {view.connections.length === 0 && editing !== "new" && <p className="mt-4 text-sm text-slate-600">No identity provider yet.</p>}
      <ul className="mt-4 space-y-3">
        {view.connections.map((c) => (
          <li key={c.id} className="rounded-lg border border-slate-200 p-4" data-testid={`connection-${c.name}`}>
            <div className="flex flex-wrap items-center gap-2">
              <span className="font-medium text-slate-900">{c.name}</span>
              <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs font-semibold text-slate-700">{c.kind.toUpperCase()}</span>
              <span className={badge(c.enabled)}>{c.enabled ? "On" : "Off"}</span>
              {canEdit && (
                <span className="ml-auto flex gap-2">
                  <button type="button" className={buttonClass.secondary} onClick={() => setEditing(c.id)} aria-label={`Edit ${c.name}`}>
                    Edit
                  </button>
                  <button type="button" className={buttonClass.secondary} onClick={() => remove.run({ tenantId, id: c.id })} aria-label={`Delete ${c.name}`}>
                    Delete
                  </button>
                </span>
              )}
            </div>
            <dl className="mt-2 grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[12rem_minmax(0,1fr)]">
              {c.kind === "oidc" ? (
                <>
                  <dt className="text-slate-600">Issuer</dt>
                  <dd className="break-all font-mono text-xs text-slate-900">{String(c.config.issuer)}</dd>
                  <dt className="text-slate-600">Client ID</dt>
                  <dd className="break-all font-mono text-xs text-slate-900">{String(c.config.clientId)}</dd>
                  <dt className="text-slate-600">Redirect URI (give it to the IdP)</dt>
                  <dd className="break-all font-mono text-xs text-slate-900">{c.urls.oidcRedirectUri}</dd>
                </>
              ) : (
                <>
                  <dt className="text-slate-600">IdP entity ID</dt>
                  <dd className="break-all font-mono text-xs text-slate-900">{String(c.config.idpEntityId)}</dd>
                  <dt className="text-slate-600">Our entity ID / metadata</dt>
                  <dd className="break-all font-mono text-xs text-slate-900">{c.urls.samlEntityId}</dd>
                  <dt className="text-slate-600">ACS URL</dt>
                  <dd className="break-all font-mono text-xs text-slate-900">{c.urls.samlAcsUrl}</dd>
                </>
              )}
              <dt className="text-slate-600">New people</dt>
              <dd className="text-slate-900">
                {c.jitEnabled ? `Created at first sign-in${c.defaultRoleId ? `, default ${roles.find((r) => r.id === c.defaultRoleId)?.name ?? "role"} at ${places.find((p) => p.id === c.defaultNodeId)?.name ?? "a place"}` : ", roles from group mappings only"}` : "Not created (accounts must exist)"}
              </dd>
            </dl>
            {editing === c.id && <ConnectionForm tenantId={tenantId} roles={roles} places={places} redirectUri={view.oidcRedirectUri} initial={c} onDone={() => setEditing(null)} />}
          </li>
        ))}
      </ul>
      <FormError message={remove.message} />
      {remove.prompt}
    </section>
  );
}

function ConnectionForm({ tenantId, roles, places, redirectUri, initial, onDone }: { tenantId: string; roles: RoleOption[]; places: PlaceOption[]; redirectUri: string; initial?: Conn; onDone: () => void }) {
  const save = useCall(saveConnectionAction, onDone);
  const [kind, setKind] = useState<"oidc" | "saml">(initial?.kind ?? "oidc");
  const cfg = (initial?.config ?? {}) as Record<string, unknown>;
  const f = (k: string) => fieldErrors(save.fields, k);
  const id = initial ? `edit-${initial.id.slice(0, 8)}` : "new";
  return (
    <form
      noValidate
      className="mt-4 space-y-4 rounded-lg border border-brand-200 bg-brand-50/40 p-4"
      aria-label={initial ? `Edit ${initial.name}` : "New identity provider"}
      onSubmit={(e) => {
        e.preventDefault();
        const v = new FormData(e.currentTarget);
        const s = (k: string) => String(v.get(k) ?? "");
        const common = { tenantId, id: initial?.id, kind, name: s("name"), enabled: v.get("enabled") === "on", jitEnabled: v.get("jit") === "on", defaultRoleId: s("defaultRoleId") || null, defaultNodeId: s("defaultNodeId") || null };
        void save.run(
          kind === "oidc"
            ? { ...common, kind: "oidc", config: { issuer: s("issuer"), clientId: s("clientId"), scopes: s("scopes") || "openid email profile", groupsClaim: s("groupsClaim") || "groups" }, clientSecret: s("clientSecret") || undefined }
            : { ...common, kind: "saml", metadataXml: s("metadataXml") || undefined, config: { idpEntityId: s("idpEntityId") || undefined, idpSsoUrl: s("idpSsoUrl") || undefined, idpCertificates: s("idpCertificate") ? [s("idpCertificate")] : undefined } },
        );
      }}
    >
      <fieldset>
        <legend className="text-sm font-medium text-slate-700">Protocol</legend>
        <div className="mt-1 flex gap-4">
          {(["oidc", "saml"] as const).map((k) => (
            <label key={k} className="flex items-center gap-2 text-sm">
              <input type="radio" name="kind" value={k} checked={kind === k} disabled={!!initial} onChange={() => setKind(k)} />
              {k === "oidc" ? "OpenID Connect" : "SAML 2.0"}
            </label>
          ))}
        </div>
      </fieldset>
      <Field id={`${id}-name`} label="Name (shown on the sign-in page's messages)" error={f("name")}>
        <input id={`${id}-name`} name="name" defaultValue={initial?.name} className={inputClass} />
      </Field>
      {kind === "oidc" ? (
        <div className="grid gap-3 md:grid-cols-2">
          <Field id={`${id}-issuer`} label="Issuer URL" error={f("config.issuer")} hint="Its /.well-known/openid-configuration is read for the endpoints and signing keys.">
            <input id={`${id}-issuer`} name="issuer" defaultValue={String(cfg.issuer ?? "")} className={inputClass} />
          </Field>
          <Field id={`${id}-client`} label="Client ID" error={f("config.clientId")}>
            <input id={`${id}-client`} name="clientId" defaultValue={String(cfg.clientId ?? "")} className={inputClass} />
          </Field>
          <Field id={`${id}-secret`} label="Client secret" error={f("clientSecret")} hint={initial?.hasSecret ? "Stored encrypted. Leave empty to keep it." : "Stored encrypted; never shown again."}>
            <input id={`${id}-secret`} name="clientSecret" type="password" autoComplete="off" className={inputClass} />
          </Field>
          <Field id={`${id}-scopes`} label="Scopes" error={f("config.scopes")}>
            <input id={`${id}-scopes`} name="scopes" defaultValue={String(cfg.scopes ?? "openid email profile groups")} className={inputClass} />
          </Field>
          <Field id={`${id}-groups`} label="Groups claim" error={f("config.groupsClaim")}>
            <input id={`${id}-groups`} name="groupsClaim" defaultValue={String(cfg.groupsClaim ?? "groups")} className={inputClass} />
          </Field>
          <p className="self-end text-xs text-slate-600">
            Redirect URI to register at the IdP: <span className="break-all font-mono">{redirectUri}</span>
          </p>
        </div>
      ) : (
        <div className="grid gap-3 md:grid-cols-2">
          <div className="md:col-span-2">
            <Field id={`${id}-metadata`} label="IdP metadata XML" error={f("metadataXml")} hint="Paste the IdP's metadata, or fill in the three fields below.">
              <textarea id={`${id}-metadata`} name="metadataXml" rows={4} className={`${inputClass} font-mono text-xs`} />
            </Field>
          </div>
          <Field id={`${id}-entity`} label="IdP entity ID" error={f("config.idpEntityId")}>
            <input id={`${id}-entity`} name="idpEntityId" defaultValue={String(cfg.idpEntityId ?? "")} className={inputClass} />
          </Field>
          <Field id={`${id}-sso`} label="IdP sign-in URL (HTTP-Redirect)" error={f("config.idpSsoUrl")}>
            <input id={`${id}-sso`} name="idpSsoUrl" defaultValue={String(cfg.idpSsoUrl ?? "")} className={inputClass} />
          </Field>
          <div className="md:col-span-2">
            <Field id={`${id}-cert`} label="IdP signing certificate (PEM)" error={f("config.idpCertificates")} hint="Assertions must be signed with this certificate's key.">
              <textarea id={`${id}-cert`} name="idpCertificate" rows={3} defaultValue={Array.isArray(cfg.idpCertificates) ? String(cfg.idpCertificates[0] ?? "") : ""} className={`${inputClass} font-mono text-xs`} />
            </Field>
          </div>
        </div>
      )}
      <div className="grid gap-3 md:grid-cols-2">
        <Field id={`${id}-role`} label="Default role for new people" error={f("defaultRoleId")}>
          <RoleSelect id={`${id}-role`} name="defaultRoleId" roles={roles} empty={{ label: "None (group mappings only)" }} defaultValue={initial?.defaultRoleId ?? ""} />
        </Field>
        <Field id={`${id}-place`} label="at" error={f("defaultNodeId")}>
          <PlaceSelect id={`${id}-place`} name="defaultNodeId" places={places} empty={{ label: "No place" }} defaultValue={initial?.defaultNodeId ?? ""} />
        </Field>
      </div>
      <div className="flex flex-wrap gap-4">
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="enabled" defaultChecked={initial?.enabled ?? true} className="h-4 w-4 rounded border-slate-300" /> On
        </label>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="jit" defaultChecked={initial?.jitEnabled ?? true} className="h-4 w-4 rounded border-slate-300" /> Create accounts just in time
        </label>
      </div>
      <FormError message={save.message} />
      {save.prompt}
      <SaveOrCancel pending={save.pending} label={initial ? "Save identity provider" : "Add identity provider"} onCancel={onDone} />
    </form>
  );
}

// ───────────── Group mappings ─────────────

function Mappings({ tenantId, view, canEdit, roles, places }: { tenantId: string; view: View; canEdit: boolean; roles: RoleOption[]; places: PlaceOption[] }) {
  const add = useCall(addMappingAction);
  const remove = useCall(deleteMappingAction);
  const [group, setGroup] = useState("");
  return (
    <section aria-labelledby="mappings" className={box}>
      <h3 id="mappings" className="text-base font-semibold">Group mappings</h3>
      <p className="mt-1 text-sm text-slate-600">A group from the identity provider, SCIM or your directory gives its members a role at a place. Applied at every sign-in and sync: leaving the group takes the role away. Roles given by hand are never touched; Owner can't be mapped.</p>
      <div className="mt-4 overflow-x-auto">
        <table className="min-w-full divide-y divide-slate-200">
          <thead>
            <tr>
              <th scope="col" className={th}>Group</th>
              <th scope="col" className={th}>Role</th>
              <th scope="col" className={th}>Place</th>
              {canEdit && <th scope="col" className={th}><span className="sr-only">Actions</span></th>}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {view.mappings.length === 0 && (
              <tr>
                <td className={td} colSpan={4}>No mappings yet.</td>
              </tr>
            )}
            {view.mappings.map((m) => (
              <tr key={m.id}>
                <td className={`${td} font-mono`}>{m.groupName}</td>
                <td className={td}>{m.roleName}</td>
                <td className={td}>{m.nodeName}</td>
                {canEdit && (
                  <td className={`${td} text-right`}>
                    <button type="button" className="text-sm text-red-700 underline hover:text-red-800" onClick={() => remove.run({ tenantId, id: m.id })} aria-label={`Remove mapping of ${m.groupName} at ${m.nodeName}`}>
                      Remove
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {canEdit && (
        <form
          noValidate
          className="mt-4 grid gap-3 md:grid-cols-[minmax(0,1fr)_minmax(0,1fr)_minmax(0,1fr)_auto] md:items-end"
          onSubmit={async (e) => {
            e.preventDefault();
            const v = new FormData(e.currentTarget);
            if ((await add.run({ tenantId, groupName: group, roleId: String(v.get("roleId") ?? ""), nodeId: String(v.get("nodeId") ?? "") })).ok) setGroup("");
          }}
        >
          <Field id="map-group" label="Group name" error={fieldErrors(add.fields, "groupName")}>
            <input id="map-group" value={group} onChange={(e) => setGroup(e.target.value)} className={inputClass} placeholder="physio-therapists" />
          </Field>
          <Field id="map-role" label="Role" error={fieldErrors(add.fields, "roleId")}>
            <RoleSelect id="map-role" name="roleId" roles={roles} empty={{ label: "Choose a role", disabled: true }} defaultValue="" />
          </Field>
          <Field id="map-place" label="Place" error={fieldErrors(add.fields, "nodeId")}>
            <PlaceSelect id="map-place" name="nodeId" places={places} empty={{ label: "Choose a place", disabled: true }} defaultValue="" />
          </Field>
          <button type="submit" disabled={add.pending} className={buttonClass.primary}>
            Add mapping
          </button>
        </form>
      )}
      <FormError message={add.fields ? null : (add.message ?? remove.message)} />
      {add.prompt}
      {remove.prompt}
    </section>
  );
}

// ───────────── SCIM ─────────────

function Scim({ tenantId, view, canEdit }: { tenantId: string; view: View; canEdit: boolean }) {
  const [shown, setShown] = useState<{ name: string; token: string } | null>(null);
  const create = useCall(createScimTokenAction, (d) => setShown({ name: d.name, token: d.token }));
  const revoke = useCall(revokeScimTokenAction);
  const [name, setName] = useState("");
  return (
    <section aria-labelledby="scim" className={box}>
      <h3 id="scim" className="text-base font-semibold">SCIM provisioning</h3>
      <p className="mt-1 text-sm text-slate-600">
        Your identity provider creates, updates and deactivates people here (SCIM 2.0). Base URL: <code className="break-all rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs">{view.scimBase}</code>. Deactivating someone ends their sessions at once.
      </p>
      {shown && (
        <div role="status" className="mt-4 rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900">
          <p className="font-medium">Token “{shown.name}” created. Copy it now: it won't be shown again.</p>
          <code className="mt-2 block break-all rounded bg-white px-2 py-1 font-mono text-xs text-slate-900" data-testid="scim-token">{shown.token}</code>
        </div>
      )}
      <ul className="mt-4 divide-y divide-slate-100">
        {view.tokens.length === 0 && <li className="py-2 text-sm text-slate-600">No tokens.</li>}
        {view.tokens.map((t) => (
          <li key={t.id} className="flex flex-wrap items-center gap-3 py-2 text-sm">
            <span className="font-medium text-slate-900">{t.name}</span>
            <span className="font-mono text-xs text-slate-600">{t.prefix}…</span>
            <span className="text-xs text-slate-600">{t.lastUsedAt ? `last used ${new Date(t.lastUsedAt).toLocaleString()}` : "never used"}</span>
            {canEdit && (
              <button type="button" className="ml-auto text-sm text-red-700 underline hover:text-red-800" onClick={() => revoke.run({ tenantId, id: t.id })} aria-label={`Revoke ${t.name}`}>
                Revoke
              </button>
            )}
          </li>
        ))}
      </ul>
      {canEdit && (
        <form
          noValidate
          className="mt-3 flex flex-wrap items-end gap-2"
          onSubmit={async (e) => {
            e.preventDefault();
            if ((await create.run({ tenantId, name })).ok) setName("");
          }}
        >
          <div className="min-w-64 flex-1">
            <Field id="scim-name" label="New token for" error={fieldErrors(create.fields, "name")}>
              <input id="scim-name" value={name} onChange={(e) => setName(e.target.value)} className={inputClass} placeholder="Okta" />
            </Field>
          </div>
          <button type="submit" disabled={create.pending} className={buttonClass.primary}>
            Create token
          </button>
        </form>
      )}
      <FormError message={create.fields ? null : (create.message ?? revoke.message)} />
      {create.prompt}
      {revoke.prompt}
    </section>
  );
}

// ───────────── LDAP / Active Directory ─────────────

type Dir = View["directories"][number];

function Directories({ tenantId, view, canEdit }: { tenantId: string; view: View; canEdit: boolean }) {
  const [adding, setAdding] = useState(false);
  return (
    <section aria-labelledby="ldap" className={box}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 id="ldap" className="text-base font-semibold">LDAP / Active Directory</h3>
        {canEdit && !adding && (
          <button type="button" className={buttonClass.secondary} onClick={() => setAdding(true)}>
            Add directory
          </button>
        )}
      </div>
      <p className="mt-1 text-sm text-slate-600">Syncs people and their groups from your directory, by hand or on a schedule. Preview shows exactly what a sync would add, change and remove; someone removed from the directory loses access here.</p>
      {adding && <DirectoryForm tenantId={tenantId} onDone={() => setAdding(false)} />}
      {view.directories.length === 0 && !adding && <p className="mt-4 text-sm text-slate-600">No directory.</p>}
      <ul className="mt-4 space-y-3">
        {view.directories.map((d) => (
          <DirectoryItem key={d.id} tenantId={tenantId} d={d} canEdit={canEdit} />
        ))}
      </ul>
    </section>
  );
}

function DirectoryItem({ tenantId, d, canEdit }: { tenantId: string; d: Dir; canEdit: boolean }) {
  const [plan, setPlan] = useState<SyncPlan | null>(null);
  const [editing, setEditing] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const preview = useCall(previewDirectorySyncAction, (p) => setPlan(p));
  const sync = useCall(runDirectorySyncAction, (r) => {
    setPlan(null);
    setDone(`Synced: ${r.adds} added, ${r.changes} changed, ${r.removals} removed, ${r.skipped} skipped.`);
  });
  const remove = useCall(deleteDirectoryAction);
  const last = d.lastSyncResult as { adds?: number; changes?: number; removals?: number; skipped?: number; error?: string } | null;
  return (
    <li className="rounded-lg border border-slate-200 p-4" data-testid={`directory-${d.name}`}>
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-medium text-slate-900">{d.name}</span>
        <span className="break-all font-mono text-xs text-slate-600">{d.config.url}</span>
        <span className="text-xs text-slate-600">{d.scheduleMinutes > 0 ? `every ${d.scheduleMinutes} min` : "manual"}</span>
        {canEdit && (
          <span className="ml-auto flex flex-wrap gap-2">
            <button type="button" className={buttonClass.secondary} disabled={preview.pending} onClick={() => preview.run({ tenantId, id: d.id })}>
              {preview.pending ? "Reading directory…" : "Preview sync"}
            </button>
            <button type="button" className={buttonClass.primary} disabled={sync.pending} onClick={() => sync.run({ tenantId, id: d.id })}>
              {sync.pending ? "Syncing…" : "Sync now"}
            </button>
            <button type="button" className={buttonClass.secondary} onClick={() => setEditing((e) => !e)} aria-label={`Edit ${d.name}`}>
              Edit
            </button>
            <button type="button" className={buttonClass.secondary} onClick={() => remove.run({ tenantId, id: d.id })} aria-label={`Delete ${d.name}`}>
              Delete
            </button>
          </span>
        )}
      </div>
      <p className="mt-1 text-sm text-slate-600">
        {d.lastSyncAt ? `Last sync ${new Date(d.lastSyncAt).toLocaleString()}: ${last?.error ? `failed (${last.error})` : `${last?.adds ?? 0} added, ${last?.changes ?? 0} changed, ${last?.removals ?? 0} removed, ${last?.skipped ?? 0} skipped`}.` : "Never synced."}
      </p>
      <FormError message={preview.message ?? sync.message ?? remove.message} />
      <Notice message={done} />
      {preview.prompt}
      {sync.prompt}
      {remove.prompt}
      {plan && <PlanView plan={plan} />}
      {editing && <DirectoryForm tenantId={tenantId} initial={d} onDone={() => setEditing(false)} />}
    </li>
  );
}

function PlanView({ plan }: { plan: SyncPlan }) {
  const list = (title: string, items: string[], tone: string) => (
    <div>
      <h4 className={`text-sm font-semibold ${tone}`}>
        {title} ({items.length})
      </h4>
      {items.length > 0 && (
        <ul className="mt-1 list-disc space-y-0.5 pl-5 text-sm text-slate-800">
          {items.map((i) => (
            <li key={i}>{i}</li>
          ))}
        </ul>
      )}
    </div>
  );
  return (
    <div className="mt-3 grid gap-3 rounded-lg bg-slate-50 p-3 md:grid-cols-2" aria-label="Sync preview" role="region">
      {list("Would add", plan.adds.map((a) => `${a.email}${a.existingAccount ? " (existing account, linked)" : ""}${a.groups.length ? ` — ${a.groups.join(", ")}` : ""}`), "text-emerald-800")}
      {list("Would change", plan.changes.map((c) => `${c.email}: ${c.what.join("; ")}`), "text-slate-800")}
      {list("Would remove (loses access)", plan.removals.map((r) => r.email), "text-red-800")}
      {list("Skipped", plan.skipped.map((s) => `${s.email}: ${s.reason}`), "text-slate-600")}
      <p className="text-xs text-slate-600 md:col-span-2">{plan.unchanged} unchanged. Nothing has been changed yet.</p>
    </div>
  );
}

function DirectoryForm({ tenantId, initial, onDone }: { tenantId: string; initial?: Dir; onDone: () => void }) {
  const save = useCall(saveDirectoryAction, onDone);
  const c = initial?.config;
  const f = (k: string) => fieldErrors(save.fields, k);
  const id = initial ? `dir-${initial.id.slice(0, 8)}` : "dir-new";
  const text = (name: string, label: string, value: string | undefined, hint?: string) => (
    <Field id={`${id}-${name}`} label={label} error={f(`config.${name}`) ?? f(name)} hint={hint}>
      <input id={`${id}-${name}`} name={name} defaultValue={value} className={inputClass} />
    </Field>
  );
  return (
    <form
      noValidate
      className="mt-4 space-y-3 rounded-lg border border-brand-200 bg-brand-50/40 p-4"
      aria-label={initial ? `Edit ${initial.name}` : "New directory"}
      onSubmit={(e) => {
        e.preventDefault();
        const v = new FormData(e.currentTarget);
        const s = (k: string) => String(v.get(k) ?? "");
        void save.run({
          tenantId,
          id: initial?.id ?? null,
          name: s("name"),
          bindPassword: s("bindPassword") || undefined,
          scheduleMinutes: Number(s("scheduleMinutes") || 0),
          config: { url: s("url"), bindDn: s("bindDn"), baseDn: s("baseDn"), userFilter: s("userFilter") || undefined, groupBaseDn: s("groupBaseDn"), groupFilter: s("groupFilter") || undefined, emailAttribute: s("emailAttribute") || undefined, nameAttribute: s("nameAttribute") || undefined, tlsCaCert: s("tlsCaCert") },
        } as Parameters<typeof saveDirectoryAction>[0]);
      }}
    >
      <div className="grid gap-3 md:grid-cols-2">
        <Field id={`${id}-name`} label="Name" error={f("name")}>
          <input id={`${id}-name`} name="name" defaultValue={initial?.name} className={inputClass} />
        </Field>
        {text("url", "Directory URL", c?.url, "ldaps://ldap.example.com:636")}
        {text("bindDn", "Bind DN", c?.bindDn)}
        <Field id={`${id}-bindPassword`} label="Bind password" error={f("bindPassword")} hint={initial?.hasPassword ? "Stored encrypted. Leave empty to keep it." : "Stored encrypted."}>
          <input id={`${id}-bindPassword`} name="bindPassword" type="password" autoComplete="off" className={inputClass} />
        </Field>
        {text("baseDn", "People search base", c?.baseDn)}
        {text("userFilter", "People filter", c?.userFilter ?? "(objectClass=inetOrgPerson)")}
        {text("groupBaseDn", "Groups search base", c?.groupBaseDn, "Empty: the people search base.")}
        {text("groupFilter", "Groups filter", c?.groupFilter ?? "(objectClass=groupOfNames)")}
        {text("emailAttribute", "Email attribute", c?.emailAttribute ?? "mail")}
        {text("nameAttribute", "Name attribute", c?.nameAttribute ?? "cn")}
        <Field id={`${id}-schedule`} label="Sync every (minutes)" error={f("scheduleMinutes")} hint="0 = only when you choose Sync now.">
          <input id={`${id}-schedule`} name="scheduleMinutes" type="number" min={0} defaultValue={initial?.scheduleMinutes ?? 0} className={inputClass} />
        </Field>
        <div className="md:col-span-2">
          <Field id={`${id}-ca`} label="CA certificate for LDAPS (PEM, optional)" error={f("config.tlsCaCert")}>
            <textarea id={`${id}-ca`} name="tlsCaCert" rows={3} defaultValue={c?.tlsCaCert} className={`${inputClass} font-mono text-xs`} />
          </Field>
        </div>
      </div>
      <FormError message={save.message} />
      {save.prompt}
      <SaveOrCancel pending={save.pending} label={initial ? "Save directory" : "Add directory"} onCancel={onDone} />
    </form>
  );
}
