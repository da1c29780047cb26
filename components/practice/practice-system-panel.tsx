"use client";

import { useEffect, useState } from "react";
import { useServerAction } from "@/components/client/use-server-action";
import { FormError, Notice, buttonClass, inputClass } from "@/components/ui/form";
import { emSyncRetryAction, emSyncStatusAction, emSyncToggleAction, migrationAction, rollbackMigrationAction } from "@/lib/practice/actions";
import type { EmSyncStatus } from "@/lib/practice/em-push";
import type { MigrationPlan } from "@/lib/practice/migration";

type Practice = { id: string; name: string; users: number };

const card = "rounded-xl border border-slate-200 bg-white p-5 shadow-sm";
const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : "never");
const ms = (n: number) => (n < 1000 ? `${n} ms` : n < 120_000 ? `${(n / 1000).toFixed(1)} s` : `${Math.round(n / 60_000)} min`);
const SEVERITY = {
  blocking: { label: "Blocks apply", cls: "bg-red-50 text-red-800 ring-red-200" },
  decision: { label: "Needs a decision", cls: "bg-amber-50 text-amber-900 ring-amber-200" },
  info: { label: "For information", cls: "bg-slate-100 text-slate-700 ring-slate-300" },
} as const;

/** Practice settings → Practice system: migration (preflight → dry run → apply → rollback) and EM Sync. */
export function PracticeSystemPanel(props: { nodeId: string; practiceName: string; practices: Practice[]; practicesError: string | null; initialStatus: EmSyncStatus; emSyncAllowed: boolean }) {
  const { nodeId } = props;
  const [status, setStatus] = useState(props.initialStatus);
  const [source, setSource] = useState(props.initialStatus.sourcePracticeId ?? props.practices[0]?.id ?? "");
  const refresh = useServerAction(emSyncStatusAction);
  const reload = async () => {
    const r = await refresh.run({ nodeId });
    if (r.ok) setStatus(r.data);
  };
  // The status panel follows the worker while EM Sync is on.
  useEffect(() => {
    if (!status.enabled) return;
    const t = setInterval(() => void reload(), 3000);
    return () => clearInterval(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [status.enabled]);
  const live = status.migration && !status.migration.rolledBackAt ? status.migration : null;
  return (
    <div className="space-y-6">
      {props.practicesError && <FormError message={`The practice system is not answering: ${props.practicesError}`} />}
      <Migration {...props} source={source} setSource={setSource} live={live} onChange={reload} />
      <Sync nodeId={nodeId} status={status} source={source} live={Boolean(live)} allowed={props.emSyncAllowed} onChange={reload} setStatus={setStatus} />
    </div>
  );
}

function Migration({
  nodeId,
  practiceName,
  practices,
  source,
  setSource,
  live,
  onChange,
}: {
  nodeId: string;
  practiceName: string;
  practices: Practice[];
  source: string;
  setSource: (s: string) => void;
  live: EmSyncStatus["migration"];
  onChange: () => Promise<void>;
}) {
  const [plan, setPlan] = useState<MigrationPlan | null>(null);
  const [confirming, setConfirming] = useState<"apply" | "rollback" | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const migrate = useServerAction(migrationAction);
  const rollback = useServerAction(rollbackMigrationAction, { refresh: true });
  const runPlan = async () => {
    setNotice(null);
    setConfirming(null);
    const r = await migrate.run({ nodeId, sourcePracticeId: source, mode: "plan" });
    if (r.ok && "plan" in r.data) setPlan(r.data.plan);
  };
  const apply = async () => {
    const r = await migrate.run({ nodeId, sourcePracticeId: source, mode: "apply" });
    setConfirming(null);
    if (r.ok && "migrationId" in r.data) {
      setNotice(`Migrated ${r.data.plan.summary.people - r.data.plan.summary.skipped} people into ${practiceName}. You can roll this back until ${new Date(r.data.rollbackUntil).toLocaleString()}.`);
      setPlan(null);
      await onChange();
    }
  };
  const undo = async () => {
    if (!live) return;
    const r = await rollback.run({ nodeId, migrationId: live.id });
    setConfirming(null);
    if (r.ok) {
      setNotice(`Rolled back: ${r.data.bindings} roles and ${r.data.accounts} accounts removed.`);
      await onChange();
    }
  };
  const people = plan?.people ?? [];
  const decisions = plan?.issues.filter((i) => i.severity !== "info") ?? [];
  return (
    <section aria-labelledby="migration-heading" className={card}>
      <h3 id="migration-heading" className="font-semibold">
        Migration
      </h3>
      {live ? (
        <div className="mt-3 space-y-3" data-testid="migration-applied">
          <p className="text-sm text-slate-700">
            Migrated on {when(live.appliedAt)} ({live.people} people in the practice system). Rollback is possible until {when(live.rollbackUntil)}.
          </p>
          {new Date(live.rollbackUntil) > new Date() &&
            (confirming === "rollback" ? (
              <div className="flex flex-wrap items-center gap-3 rounded-md border border-red-200 bg-red-50 p-3">
                <p className="text-sm text-red-900">Remove every role and account this migration created?</p>
                <button type="button" className={buttonClass.danger} disabled={rollback.pending} onClick={() => void undo()}>
                  Confirm rollback
                </button>
                <button type="button" className={buttonClass.secondary} onClick={() => setConfirming(null)}>
                  Cancel
                </button>
              </div>
            ) : (
              <button type="button" className={buttonClass.dangerOutline} onClick={() => setConfirming("rollback")}>
                Roll back the migration
              </button>
            ))}
          <FormError message={rollback.message} />
        </div>
      ) : (
        <div className="mt-3 space-y-4">
          <div className="flex flex-wrap items-end gap-3">
            <div className="min-w-64">
              <label htmlFor="source-practice" className="block text-sm font-medium text-slate-700">
                Practice in the practice system
              </label>
              <select id="source-practice" className={inputClass} value={source} onChange={(e) => (setSource(e.target.value), setPlan(null))} disabled={!practices.length}>
                {!practices.length && <option value="">No practices found</option>}
                {practices.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name} ({p.users} people)
                  </option>
                ))}
              </select>
            </div>
            <button type="button" className={buttonClass.primary} disabled={!source || migrate.pending} onClick={() => void runPlan()}>
              {migrate.pending && !confirming ? "Checking…" : "Run preflight and dry run"}
            </button>
          </div>
          <FormError message={migrate.message} />
        </div>
      )}
      <div className="mt-3">
        <Notice message={notice} />
      </div>
      {plan && (
        <div className="mt-4 space-y-5" data-testid="dry-run">
          <div>
            <h4 className="text-sm font-semibold text-slate-900">Preflight</h4>
            {plan.issues.length === 0 ? (
              <p className="mt-1 text-sm text-slate-600">No findings: every person maps cleanly.</p>
            ) : (
              <ul className="mt-2 space-y-1" aria-label="Preflight findings">
                {plan.issues.map((i, k) => (
                  <li key={k} className="flex items-start gap-2 text-sm">
                    <span className={`shrink-0 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ${SEVERITY[i.severity].cls}`}>{SEVERITY[i.severity].label}</span>
                    <span className="text-slate-800">{i.message}</span>
                  </li>
                ))}
              </ul>
            )}
          </div>
          <div>
            <h4 className="text-sm font-semibold text-slate-900">Dry run: who gets what</h4>
            <p className="mt-1 text-sm text-slate-600" data-testid="dry-run-summary">
              {plan.summary.people} people: {plan.summary.exactRole} on a role that matches exactly, {plan.summary.adjusted} with adjustments, {plan.summary.skipped} skipped
              {decisions.length ? `, ${decisions.length} finding(s) to decide on` : ""}. By role: {Object.entries(plan.summary.byRole).map(([r, n]) => `${r} ${n}`).join(", ") || "none"}.
            </p>
            <div className="mt-2 overflow-x-auto">
              <table className="min-w-full text-left text-sm">
                <caption className="sr-only">The mapping from practice-system flags to CareAccess roles</caption>
                <thead className="border-b border-slate-200 text-xs uppercase text-slate-600">
                  <tr>
                    <th scope="col" className="py-2 pr-4">Person</th>
                    <th scope="col" className="py-2 pr-4">Practice-system flags</th>
                    <th scope="col" className="py-2 pr-4">Role</th>
                    <th scope="col" className="py-2 pr-4">Adjustments</th>
                    <th scope="col" className="py-2">Account</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {people.map((p) => (
                    <tr key={p.legacyUserId} className={p.skip ? "text-slate-500" : ""}>
                      <td className="py-2 pr-4">
                        <div className="font-medium text-slate-900">{p.name}</div>
                        <div className="text-xs text-slate-600">{p.email}</div>
                      </td>
                      <td className="py-2 pr-4 text-xs text-slate-700">{p.flags.join(", ") || "none"}</td>
                      <td className="py-2 pr-4">{p.skip ? "Skipped" : p.choice.roleName}</td>
                      <td className="py-2 pr-4 text-xs text-slate-700">
                        {p.choice.add.length > 0 && <div>+ {p.choice.add.join(", ")}</div>}
                        {p.choice.remove.length > 0 && <div>− {p.choice.remove.join(", ")}</div>}
                        {!p.choice.add.length && !p.choice.remove.length && "none"}
                      </td>
                      <td className="py-2 text-xs text-slate-700">{p.account === "new" ? "New" : "Existing"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
          {confirming === "apply" ? (
            <div className="flex flex-wrap items-center gap-3 rounded-md border border-brand-100 bg-brand-50 p-3">
              <p className="text-sm text-slate-900">
                Give {plan.summary.people - plan.summary.skipped} people their roles at {practiceName}? It runs in one transaction and can be rolled back for 24 hours.
              </p>
              <button type="button" className={buttonClass.primary} disabled={migrate.pending} onClick={() => void apply()}>
                {migrate.pending ? "Applying…" : "Confirm apply"}
              </button>
              <button type="button" className={buttonClass.secondary} onClick={() => setConfirming(null)}>
                Cancel
              </button>
            </div>
          ) : (
            <button type="button" className={buttonClass.primary} disabled={plan.summary.blocking > 0} onClick={() => setConfirming("apply")}>
              Apply migration
            </button>
          )}
          {plan.summary.blocking > 0 && <p className="text-sm text-red-800">Fix the blocking findings in the practice system, then run the dry run again.</p>}
        </div>
      )}
    </section>
  );
}

function Sync({
  nodeId,
  status,
  source,
  live,
  allowed,
  onChange,
  setStatus,
}: {
  nodeId: string;
  status: EmSyncStatus;
  source: string;
  live: boolean;
  allowed: boolean;
  onChange: () => Promise<void>;
  setStatus: (s: EmSyncStatus) => void;
}) {
  const [notice, setNotice] = useState<string | null>(null);
  const toggle = useServerAction(emSyncToggleAction);
  const retry = useServerAction(emSyncRetryAction);
  const flip = async () => {
    setNotice(null);
    const r = await toggle.run({ nodeId, sourcePracticeId: status.sourcePracticeId ?? source, enabled: !status.enabled });
    if (r.ok) {
      setStatus({ ...status, enabled: r.data.enabled });
      setNotice(r.data.enabled ? `EM Sync is on${r.data.migrated ? `: ${r.data.migrated.people} people migrated first` : ""}.` : "EM Sync is off. Everything migrated stays.");
      await onChange();
    }
  };
  const again = async () => {
    const r = await retry.run({ nodeId });
    if (r.ok) {
      setNotice(`${r.data.retried} change(s) will be sent again now.`);
      await onChange();
    }
  };
  const figures: [string, string][] = [
    ["Last pull", when(status.lastPullAt)],
    ["Last push", when(status.lastPushAt)],
    ["Lag", ms(status.lagMs)],
    ["Pending changes", String(status.pending)],
    ["Feed entries not yet read", status.feedBehind !== null ? String(status.feedBehind) : status.enabled ? "unknown (practice system not answering)" : "—"],
    ["Conflicts", String(status.conflicts.count)],
  ];
  return (
    <section aria-labelledby="em-sync-heading" className={card} data-testid="em-sync">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h3 id="em-sync-heading" className="font-semibold">
            EM Sync
          </h3>
          <p className="mt-1 max-w-2xl text-sm text-slate-600">
            On: changes made in either service reach the other within seconds (a migration runs first if this practice has none). Off: syncing stops; everything migrated stays.
            When both sides change the same person, the later change wins.
          </p>
        </div>
        <div className="flex items-center gap-3">
          <span className={`rounded-full px-3 py-1 text-sm font-semibold ring-1 ${status.enabled ? "bg-emerald-50 text-emerald-800 ring-emerald-200" : "bg-slate-100 text-slate-700 ring-slate-300"}`} data-testid="em-sync-state">
            {status.enabled ? "On" : "Off"}
          </span>
          {allowed && (
            <button type="button" className={buttonClass.secondary} disabled={toggle.pending || (!status.enabled && !source)} onClick={() => void flip()}>
              {toggle.pending ? "Working…" : `Turn EM Sync ${status.enabled ? "off" : "on"}`}
            </button>
          )}
        </div>
      </div>
      {!allowed && <p className="mt-2 text-sm text-slate-600">EM Sync is not turned on for this organisation. CareAccess staff turn it on under Features.</p>}
      {allowed && !status.enabled && !live && <p className="mt-2 text-sm text-slate-600">Not migrated yet: turning EM Sync on runs the migration with the dry run&apos;s plan.</p>}
      <div className="mt-3 space-y-2">
        <FormError message={toggle.message} />
        <Notice message={notice} />
      </div>
      <h4 className="mt-4 text-sm font-semibold text-slate-900">Status</h4>
      <dl className="mt-2 grid gap-3 sm:grid-cols-3" data-testid="em-sync-status">
        {figures.map(([k, v]) => (
          <div key={k} className="rounded-md bg-slate-50 p-3">
            <dt className="text-xs font-medium text-slate-600">{k}</dt>
            <dd className="mt-1 text-sm font-semibold text-slate-900">{v}</dd>
          </div>
        ))}
      </dl>
      {(status.lastError || status.errors.length > 0) && (
        <div className="mt-4 space-y-2" data-testid="em-sync-errors">
          <h4 className="text-sm font-semibold text-red-800">Errors</h4>
          {status.lastError && <p className="text-sm text-red-800">Pull: {status.lastError}</p>}
          <ul className="space-y-1 text-sm text-red-800">
            {status.errors.map((e) => (
              <li key={e.id}>
                Push of {e.legacyUserId} ({e.op}, {e.attempts} attempt{e.attempts === 1 ? "" : "s"}, {e.status === "failed" ? "stopped" : `next try ${when(e.nextAttemptAt)}`}): {e.lastError}
              </li>
            ))}
          </ul>
          {allowed && (
            <button type="button" className={buttonClass.secondary} disabled={retry.pending} onClick={() => void again()}>
              Retry now
            </button>
          )}
          <FormError message={retry.message} />
        </div>
      )}
      {status.conflicts.recent.length > 0 && (
        <div className="mt-4">
          <h4 className="text-sm font-semibold text-slate-900">Recent conflicts</h4>
          <ul className="mt-1 space-y-1 text-sm text-slate-700">
            {status.conflicts.recent.map((c, i) => (
              <li key={i}>
                {c.legacyUserId}: {c.direction === "push" ? "a CareAccess change lost to a later practice-system change" : "a practice-system change lost to a later CareAccess change"} ({when(c.createdAt)})
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
