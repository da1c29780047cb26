"use client";

import { useState } from "react";
import type { SecuritySettings } from "@/lib/security/settings";
import { ReauthPrompt } from "./forms";
import { fetchJson } from "@/components/client/result";
import { useServerAction } from "@/components/client/use-server-action";
import { FormError, Notice, buttonClass, inputClassLarge as inputClass } from "@/components/ui/form";

const primaryButton = buttonClass.primaryLarge;

type Role = { id: string; name: string };

const rangesText = (settings: SecuritySettings) => settings.ipAllowlist.ranges.map((r) => `${r.cidr}${r.label ? ` ${r.label}` : ""}`).join("\n");

/** Settings > Security for one tenant: password policy, 2FA, sessions, lockout, IP ranges. */
export function SecuritySettingsForm({ tenantId, initial, roles, canEdit, myIp }: { tenantId: string; initial: SecuritySettings; roles: Role[]; canEdit: boolean; myIp: string | null }) {
  const [s, setS] = useState<SecuritySettings>(initial);
  const [ranges, setRanges] = useState(rangesText(initial));
  const [saved, setSaved] = useState<string | null>(null);
  const [reauth, setReauth] = useState(false);
  const [confirmLockout, setConfirmLockout] = useState(false);
  const put = useServerAction((body: unknown) => fetchJson<{ settings: SecuritySettings }>("/api/settings/security", { method: "PUT", body }));
  const errors = put.fields ?? {};
  const pending = put.pending;

  const set = <K extends keyof SecuritySettings>(k: K, v: Partial<SecuritySettings[K]>) => setS((prev) => ({ ...prev, [k]: { ...prev[k], ...v } }));
  const num = (v: string) => (v === "" ? (NaN as number) : Number(v));
  const err = (key: string) => errors[`settings.${key}`]?.[0];

  async function save(confirm = confirmLockout) {
    setSaved(null);
    const parsedRanges = ranges
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean)
      .map((l) => {
        const [cidr, ...label] = l.split(/\s+/);
        return { cidr, label: label.join(" "), roleIds: [] as string[] };
      });
    const body = { tenantId, confirmLockout: confirm, settings: { ...s, ipAllowlist: { ...s.ipAllowlist, ranges: parsedRanges } } };
    const r = await put.run(body);
    if (r.ok) {
      setConfirmLockout(false);
      // The form shows what the server stored; no router.refresh(): when the new allowlist excludes
      // this address, the refreshed page would be the "blocked" page and the status would vanish.
      setS(r.data.settings);
      setRanges(rangesText(r.data.settings));
      setSaved("Security settings saved.");
      return;
    }
    if (r.error.fields?.reauth) setReauth(true);
  }
  // A reauth request opens the password prompt instead of an error; a lockout warning shows its own words.
  const formError = !put.error || errors.reauth ? null : (errors.confirmLockout?.[0] ?? put.error.message);

  const box = "rounded-xl border border-slate-200 bg-white p-6 shadow-sm";
  const numberField = (id: string, label: string, value: number, onChange: (n: number) => void, hint: string, key: string) => (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      <p id={`${id}-hint`} className="text-xs text-slate-600">
        {hint}
      </p>
      <input id={id} type="number" value={Number.isNaN(value) ? "" : value} disabled={!canEdit} onChange={(e) => onChange(num(e.target.value))} aria-describedby={`${id}-hint${err(key) ? ` ${id}-error` : ""}`} aria-invalid={Boolean(err(key))} className={`${inputClass} max-w-40`} />
      {err(key) && (
        <p id={`${id}-error`} className="mt-1 text-sm text-red-700">
          {err(key)}
        </p>
      )}
    </div>
  );
  const check = (id: string, label: string, checked: boolean, onChange: (b: boolean) => void) => (
    <label htmlFor={id} className="flex items-center gap-2 text-sm text-slate-800">
      <input id={id} type="checkbox" checked={checked} disabled={!canEdit} onChange={(e) => onChange(e.target.checked)} className="h-4 w-4 rounded border-slate-300" />
      {label}
    </label>
  );

  return (
    <form
      noValidate
      className="space-y-6"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <section aria-labelledby="pw" className={box}>
        <h2 id="pw" className="text-lg font-semibold">Password policy</h2>
        <p className="mt-1 text-sm text-slate-600">Defaults follow NIST SP 800-63B: long passwords, common passwords refused, no forced character rules or expiry.</p>
        <div className="mt-4 grid gap-4 md:grid-cols-3">
          {numberField("minLength", "Minimum length", s.password.minLength, (n) => set("password", { minLength: n }), "8 to 128 characters.", "password.minLength")}
          {numberField("historyCount", "Remember previous passwords", s.password.historyCount, (n) => set("password", { historyCount: n }), "No reuse of the last N (0 = off).", "password.historyCount")}
          {numberField("expiryDays", "Expire after (days)", s.password.expiryDays, (n) => set("password", { expiryDays: n }), "0 = never (recommended).", "password.expiryDays")}
        </div>
        <fieldset className="mt-4">
          <legend className="text-sm font-medium text-slate-700">Also require</legend>
          <div className="mt-2 grid gap-2 sm:grid-cols-2">
            {check("requireUpper", "An uppercase letter", s.password.requireUpper, (b) => set("password", { requireUpper: b }))}
            {check("requireLower", "A lowercase letter", s.password.requireLower, (b) => set("password", { requireLower: b }))}
            {check("requireDigit", "A number", s.password.requireDigit, (b) => set("password", { requireDigit: b }))}
            {check("requireSymbol", "A symbol", s.password.requireSymbol, (b) => set("password", { requireSymbol: b }))}
          </div>
        </fieldset>
      </section>

      <section aria-labelledby="tfa" className={box}>
        <h2 id="tfa" className="text-lg font-semibold">Two-factor authentication</h2>
        <fieldset className="mt-3 space-y-2">
          <legend className="text-sm font-medium text-slate-700">Who must use it</legend>
          {(["off", "everyone", "roles"] as const).map((v) => (
            <label key={v} className="flex items-center gap-2 text-sm text-slate-800">
              <input type="radio" name="twoFactor" value={v} checked={s.twoFactor.required === v} disabled={!canEdit} onChange={() => set("twoFactor", { required: v })} />
              {v === "off" ? "Optional for everyone" : v === "everyone" ? "Required for everyone" : "Required for these roles"}
            </label>
          ))}
        </fieldset>
        {s.twoFactor.required === "roles" && (
          <fieldset className="mt-3">
            <legend className="text-sm font-medium text-slate-700">Roles that must use it</legend>
            <div className="mt-2 grid gap-2 sm:grid-cols-3">
              {roles.map((r) =>
                check(`tfa-${r.id}`, r.name, s.twoFactor.roleIds.includes(r.id), (b) => set("twoFactor", { roleIds: b ? [...s.twoFactor.roleIds, r.id] : s.twoFactor.roleIds.filter((x) => x !== r.id) })),
              )}
            </div>
          </fieldset>
        )}
        <p className="mt-3 text-xs text-slate-600">People without it set up are asked to enrol at their next sign-in.</p>
      </section>

      <section aria-labelledby="sess" className={box}>
        <h2 id="sess" className="text-lg font-semibold">Sessions</h2>
        <div className="mt-4 grid gap-4 md:grid-cols-3">
          {numberField("idleMinutes", "Idle timeout (minutes)", s.sessions.idleMinutes, (n) => set("sessions", { idleMinutes: n }), "Signed out after this long unused.", "sessions.idleMinutes")}
          {numberField("absoluteHours", "Session lifetime (hours)", s.sessions.absoluteHours, (n) => set("sessions", { absoluteHours: n }), "Signed out this long after signing in.", "sessions.absoluteHours")}
          {numberField("reauthMinutes", "Re-confirm password after (minutes)", s.sessions.reauthMinutes, (n) => set("sessions", { reauthMinutes: n }), "Before sensitive actions.", "sessions.reauthMinutes")}
          {numberField("maxConcurrent", "Devices at once", s.sessions.maxConcurrent, (n) => set("sessions", { maxConcurrent: n }), "0 = no limit.", "sessions.maxConcurrent")}
          <div>
            <label htmlFor="onLimit" className="block text-sm font-medium text-slate-700">
              When the limit is reached
            </label>
            <select id="onLimit" value={s.sessions.onLimit} disabled={!canEdit} onChange={(e) => set("sessions", { onLimit: e.target.value as "refuse" | "sign_out_oldest" })} className={inputClass}>
              <option value="sign_out_oldest">Sign out the oldest device</option>
              <option value="refuse">Refuse the new sign-in</option>
            </select>
          </div>
        </div>
      </section>

      <section aria-labelledby="lock" className={box}>
        <h2 id="lock" className="text-lg font-semibold">Lockout</h2>
        <div className="mt-4 grid gap-4 md:grid-cols-3">
          {numberField("maxAttempts", "Failed attempts before lockout", s.lockout.maxAttempts, (n) => set("lockout", { maxAttempts: n }), "3 to 20.", "lockout.maxAttempts")}
          {numberField("lockMinutes", "Lock for (minutes)", s.lockout.lockMinutes, (n) => set("lockout", { lockMinutes: n }), "Admins can unlock sooner in Settings > Users.", "lockout.lockMinutes")}
        </div>
      </section>

      <section aria-labelledby="ips" className={box}>
        <h2 id="ips" className="text-lg font-semibold">Allowed networks</h2>
        <p className="mt-1 text-sm text-slate-600">
          Only allow sign-in and access from these IPv4 or IPv6 ranges. Your current address is <code className="rounded bg-slate-100 px-1 font-mono">{myIp ?? "unknown"}</code>.
        </p>
        <div className="mt-3">{check("ipEnabled", "Restrict access to the ranges below", s.ipAllowlist.enabled, (b) => set("ipAllowlist", { enabled: b }))}</div>
        <label htmlFor="ranges" className="mt-3 block text-sm font-medium text-slate-700">
          Ranges, one per line, with an optional label
        </label>
        <textarea id="ranges" rows={4} value={ranges} disabled={!canEdit} onChange={(e) => setRanges(e.target.value)} placeholder={"203.0.113.0/24 Main office\n2001:db8::/32"} aria-describedby="ranges-error" className={`${inputClass} font-mono text-sm`} />
        <div id="ranges-error" className="mt-1 text-sm text-red-700">
          {Object.entries(errors)
            .filter(([k]) => k.startsWith("settings.ipAllowlist"))
            .map(([k, v]) => {
              const line = k.match(/ranges\.(\d+)/)?.[1];
              return <p key={k}>{line ? `Line ${Number(line) + 1}: ` : ""}{v?.[0]}</p>;
            })}
        </div>
      </section>

      <div className="space-y-3">
        <Notice message={saved} />
        <FormError id="form-error" message={formError} />
        {errors.confirmLockout && canEdit && (
          <button type="button" className="rounded-md border border-red-300 bg-red-50 px-4 py-2 text-sm font-medium text-red-800" onClick={() => { setConfirmLockout(true); void save(true); }}>
            Save anyway, I understand I may lose access
          </button>
        )}
        {reauth && <ReauthPrompt onCancel={() => setReauth(false)} onDone={() => { setReauth(false); void save(); }} />}
        {canEdit ? (
          <button type="submit" disabled={pending} className={primaryButton}>
            {pending ? "Saving…" : "Save security settings"}
          </button>
        ) : (
          <p className="text-sm text-slate-600">You can view these settings but not change them.</p>
        )}
      </div>
    </form>
  );
}
