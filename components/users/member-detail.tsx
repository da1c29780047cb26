"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { queryKeys } from "@/components/client/query-keys";
import type { ActionResult } from "@/components/client/result";
import { useServerAction } from "@/components/client/use-server-action";
import {
  changeRoles,
  endUserSessions,
  removeUser,
  resendInvite,
  resetPassword,
  saveProvider,
  setStatus,
  unlockUser,
  updateDetails,
} from "@/lib/members/actions";
import { Dialog } from "@/components/ui/dialog";
import { Field, FormError, Notice, buttonClass, fieldErrors, inputClass } from "@/components/ui/form";
import type { MemberDetailView } from "@/lib/members/directory";
import { datesProblem, endDayOf, endOfDayIso, startDayOf, startOfDayIso } from "@/lib/access/dates";
import { RoleAssignmentTable } from "@/components/members/role-assignment-table";
import type { PlaceOption, RoleOption } from "@/components/ui/select";

/** edit: this membership's details; account: the account-wide actions (see README, Security). */
type Can = { edit: boolean; account: boolean; manageRoles: boolean; disable: boolean; remove: boolean; owner: boolean };
/**
 * One card's calls: any of its actions through useServerAction, then the success words, this
 * place's member lists invalidated and the page's server data refreshed.
 */
function useAction(nodeId: string) {
  const [notice, setNotice] = useState<string | null>(null);
  const call = useServerAction((fn: () => Promise<ActionResult<unknown>>) => fn(), { invalidate: [queryKeys.membersAt(nodeId)], refresh: true });
  const run = async (fn: () => Promise<ActionResult<unknown>>, success: string) => {
    setNotice(null);
    const result = await call.run(fn);
    if (result.ok) setNotice(success);
    return result.ok;
  };
  const message = call.message ? { kind: "error" as const, text: call.message } : notice ? { kind: "ok" as const, text: notice } : null;
  return { pending: call.pending, message, fields: call.fields, run };
}

function Message({ m }: { m: { kind: "ok" | "error"; text: string } | null }) {
  if (!m) return null;
  return m.kind === "ok" ? <Notice message={m.text} /> : <FormError message={m.text} />;
}

function Card({ title, children, id }: { title: string; children: React.ReactNode; id: string }) {
  return (
    <section aria-labelledby={id} className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
      <h3 id={id} className="mb-4 text-base font-semibold">
        {title}
      </h3>
      {children}
    </section>
  );
}

export function MemberDetail({
  nodeId,
  member,
  places,
  roles,
  showProvider,
  can,
  ownerRoleIds,
}: {
  nodeId: string;
  member: MemberDetailView;
  places: PlaceOption[];
  roles: RoleOption[];
  showProvider: boolean;
  can: Can;
  ownerRoleIds: string[];
}) {
  const status = member.locked ? "Locked" : { ACTIVE: "Active", INVITED: "Invited", SUSPENDED: "Suspended here", DISABLED: "Disabled" }[member.status];
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <h2 className="text-xl font-semibold" data-testid="member-name">
          {member.name}
        </h2>
        <span className="rounded-full bg-slate-100 px-2.5 py-0.5 text-xs font-medium text-slate-700 ring-1 ring-slate-200" data-testid="member-status">
          {status}
        </span>
        {member.name !== member.email && <span className="text-sm text-slate-600">{member.email}</span>}
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <DetailsCard nodeId={nodeId} member={member} editable={can.account} />
        <RolesCard nodeId={nodeId} member={member} places={places} roles={roles} editable={can.manageRoles} owner={can.owner} ownerRoleIds={ownerRoleIds} />
        {showProvider && <ProviderCard nodeId={nodeId} member={member} editable={can.account} />}
        <AccountCard nodeId={nodeId} member={member} can={can} />
      </div>
    </div>
  );
}

function DetailsCard({ nodeId, member, editable }: { nodeId: string; member: MemberDetailView; editable: boolean }) {
  const { pending, message, fields, run } = useAction(nodeId);
  return (
    <Card title="Details" id="details">
      <form
        className="space-y-3"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          void run(() => updateDetails({ nodeId, userId: member.id, name: String(f.get("name")), phone: String(f.get("phone") ?? "") }), "Details saved.");
        }}
      >
        <Message m={message} />
        {editable ? (
          <>
            <Field id="detail-name" label="Name" error={fieldErrors(fields, "name")}>
              <input id="detail-name" name="name" defaultValue={member.name} className={inputClass} />
            </Field>
            <Field id="detail-phone" label="Phone" error={fieldErrors(fields, "phone")}>
              <input id="detail-phone" name="phone" type="tel" defaultValue={member.phone ?? ""} className={inputClass} />
            </Field>
          </>
        ) : (
          <dl className="space-y-2 text-sm">
            <div>
              <dt className="text-slate-500">Name</dt>
              <dd className="text-slate-900">{member.name}</dd>
            </div>
            <div>
              <dt className="text-slate-500">Phone</dt>
              <dd className="text-slate-900">{member.phone || "—"}</dd>
            </div>
          </dl>
        )}
        {!member.managed && (
          <p className="text-xs text-slate-600" data-testid="not-managed">
            {member.status === "INVITED"
              ? "They haven't accepted the invitation yet. Until they join, their account's details stay private: you see only the address you invited."
              : `${member.name} manages their own account (it wasn't created by your organization), so only they can change their name, phone and password.`}
          </p>
        )}
        <p className="text-xs text-slate-500">Here since {new Date(member.createdAt).toLocaleDateString("en-US", { dateStyle: "medium" })}</p>
        {editable && (
          <button type="submit" className={buttonClass.primary} disabled={pending}>
            {pending ? "Saving…" : "Save details"}
          </button>
        )}
      </form>
    </Card>
  );
}

function RolesCard({ nodeId, member, places, roles, editable, owner, ownerRoleIds }: { nodeId: string; member: MemberDetailView; places: PlaceOption[]; roles: RoleOption[]; editable: boolean; owner: boolean; ownerRoleIds: string[] }) {
  const current = new Map(member.roles.map((r) => [r.nodeId, r.roleId]));
  const [draft, setDraft] = useState(new Map(current));
  // Temporary access (issue 11): From/Until days per place, inclusive.
  const currentDates = new Map(member.roles.map((r) => [r.nodeId, { from: startDayOf(r.startsAt), until: endDayOf(r.expiresAt) }]));
  const [dateDraft, setDateDraft] = useState(new Map(currentDates));
  const datesOf = (placeId: string) => dateDraft.get(placeId) ?? { from: "", until: "" };
  const { pending, message, run } = useAction(nodeId);
  const datesChanged = (placeId: string) => {
    const a = datesOf(placeId);
    const b = currentDates.get(placeId) ?? { from: "", until: "" };
    return a.from !== b.from || a.until !== b.until;
  };
  const changed = places.filter((p) => (draft.get(p.id) ?? "") !== (current.get(p.id) ?? "") || (Boolean(draft.get(p.id)) && datesChanged(p.id)));
  const problems = changed.map((p) => (draft.get(p.id) && datesChanged(p.id) ? datesProblem(datesOf(p.id).from, datesOf(p.id).until) : null));
  const choosable = roles.filter((r) => owner || !ownerRoleIds.includes(r.id));
  return (
    <Card title="Roles by location" id="roles">
      <p className="mb-3 text-sm text-slate-600">A role applies at its place and everywhere below it. A person can hold a different role at each location.</p>
      <Message m={message} />
      <RoleAssignmentTable
        places={places}
        roles={(value) => (value && !choosable.some((r) => r.id === value) ? roles.filter((r) => r.id === value) : []).concat(choosable)}
        value={(placeId) => draft.get(placeId) ?? ""}
        onChange={(placeId, roleId) => setDraft((d) => new Map(d).set(placeId, roleId))}
        selectId={(placeId) => `role-${placeId}`}
        disabled={!editable}
        dates={{
          value: datesOf,
          onChange: (placeId, field, day) => setDateDraft((d) => new Map(d).set(placeId, { ...datesOf(placeId), [field]: day })),
          problem: (placeId) => (draft.get(placeId) && datesChanged(placeId) ? datesProblem(datesOf(placeId).from, datesOf(placeId).until) : null),
        }}
      />
      <p className="mt-2 text-xs text-slate-600">Leave From and Until empty for a role without limits. A role grants nothing before its first day and ends on its own after its last day.</p>
      {editable && (
        <button
          type="button"
          className={`${buttonClass.primary} mt-3`}
          disabled={pending || changed.length === 0 || problems.some(Boolean)}
          onClick={() =>
            void run(
              () =>
                changeRoles({
                  nodeId,
                  userId: member.id,
                  assignments: changed.map((p) => {
                    const roleId = draft.get(p.id) || null;
                    if (!roleId || !datesChanged(p.id)) return { nodeId: p.id, roleId };
                    return { nodeId: p.id, roleId, startsAt: startOfDayIso(datesOf(p.id).from), expiresAt: endOfDayIso(datesOf(p.id).until) };
                  }),
                }),
              `Roles saved (${changed.length} ${changed.length === 1 ? "change" : "changes"}).`,
            )
          }
        >
          {pending ? "Saving…" : changed.length ? `Save ${changed.length} ${changed.length === 1 ? "change" : "changes"}` : "No changes"}
        </button>
      )}
    </Card>
  );
}

function toBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(",")[1] ?? "");
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

function ProviderCard({ nodeId, member, editable }: { nodeId: string; member: MemberDetailView; editable: boolean }) {
  const { pending, message, fields, run } = useAction(nodeId);
  const [photoError, setPhotoError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  return (
    <Card title="Provider profile" id="provider">
      <form
        className="space-y-3"
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          const file = f.get("photo") as File | null;
          let photo: string | undefined;
          if (file && file.size > 0) {
            if (file.size > 2 * 1024 * 1024) return setPhotoError("The photo must be 2 MB or smaller.");
            if (!["image/png", "image/jpeg", "image/webp"].includes(file.type)) return setPhotoError("Use a PNG, JPEG or WebP image.");
            photo = await toBase64(file);
          }
          setPhotoError(null);
          const ok = await run(
            () =>
              saveProvider({
                nodeId,
                userId: member.id,
                credentials: String(f.get("credentials") ?? ""),
                specialties: String(f.get("specialties") ?? "").split(",").map((s) => s.trim()).filter(Boolean),
                licenseNumber: String(f.get("licenseNumber") ?? ""),
                bio: String(f.get("bio") ?? ""),
                ...(photo !== undefined ? { photo } : {}),
              }),
            "Provider profile saved.",
          );
          if (ok) setVersion((v) => v + 1);
        }}
      >
        <Message m={message} />
        <div className="flex items-center gap-4">
          {member.provider.hasPhoto || version > 0 ? (
            // eslint-disable-next-line @next/next/no-img-element
            <img src={`/api/profiles/${nodeId}/members/${member.id}/photo?v=${version}`} alt={`Photo of ${member.name}`} className="h-16 w-16 rounded-full object-cover ring-1 ring-slate-200" />
          ) : (
            <span className="flex h-16 w-16 items-center justify-center rounded-full bg-slate-100 text-xs text-slate-600">No photo</span>
          )}
          <Field id="provider-photo" label="Photo" error={photoError ? [photoError] : fieldErrors(fields, "photo")} hint="PNG, JPEG or WebP, up to 2 MB.">
            <input id="provider-photo" name="photo" type="file" accept="image/png,image/jpeg,image/webp" disabled={!editable} className="mt-1 block text-sm" />
          </Field>
        </div>
        <Field id="provider-credentials" label="Credentials" error={fieldErrors(fields, "credentials")}>
          <input id="provider-credentials" name="credentials" defaultValue={member.provider.credentials} placeholder="DDS, MS" disabled={!editable} className={inputClass} />
        </Field>
        <Field id="provider-specialties" label="Specialties" hint="Separate with commas." error={fieldErrors(fields, "specialties")}>
          <input id="provider-specialties" name="specialties" defaultValue={member.provider.specialties.join(", ")} disabled={!editable} className={inputClass} />
        </Field>
        <Field id="provider-license" label="License number" error={fieldErrors(fields, "licenseNumber")}>
          <input id="provider-license" name="licenseNumber" defaultValue={member.provider.licenseNumber ?? ""} disabled={!editable} className={inputClass} />
        </Field>
        <Field id="provider-bio" label="Bio" error={fieldErrors(fields, "bio")}>
          <textarea id="provider-bio" name="bio" rows={3} defaultValue={member.provider.bio} disabled={!editable} className={inputClass} />
        </Field>
        {editable && (
          <button type="submit" className={buttonClass.primary} disabled={pending}>
            {pending ? "Saving…" : "Save provider profile"}
          </button>
        )}
      </form>
    </Card>
  );
}

function AccountCard({ nodeId, member, can }: { nodeId: string; member: MemberDetailView; can: Can }) {
  const { pending, message, fields, run } = useAction(nodeId);
  const [confirming, setConfirming] = useState(false);
  const router = useRouter();
  const ids = { nodeId, userId: member.id };
  return (
    <Card title="Account" id="account">
      <div className="space-y-3">
        <Message m={message} />
        <div className="flex flex-wrap gap-2">
          {can.edit && member.status === "INVITED" && (
            <button type="button" className={buttonClass.secondary} disabled={pending} onClick={() => void run(() => resendInvite(ids), `A new invitation was emailed to ${member.email}.`)}>
              Send invitation again
            </button>
          )}
          {can.account && member.status !== "DISABLED" && member.status !== "INVITED" && (
            <button type="button" className={buttonClass.secondary} disabled={pending} onClick={() => void run(() => resetPassword(ids), `A password reset link was emailed to ${member.email}.`)}>
              Reset password
            </button>
          )}
          {can.account && member.locked && (
            <button type="button" className={buttonClass.secondary} disabled={pending} onClick={() => void run(() => unlockUser(ids), `${member.name} can sign in again.`)}>
              Unlock account
            </button>
          )}
          {can.account && (
            <button type="button" className={buttonClass.secondary} disabled={pending} onClick={() => void run(() => endUserSessions(ids), `${member.name} was signed out everywhere.`)}>
              End sessions
            </button>
          )}
          {can.disable && member.status !== "INVITED" && <StatusButton ids={ids} member={member} pending={pending} run={run} />}
          {can.remove && (
            <button type="button" className={buttonClass.danger} onClick={() => setConfirming(true)}>
              {member.managed ? "Delete…" : "Remove…"}
            </button>
          )}
        </div>
        <p className="text-xs text-slate-500">
          {member.status === "INVITED"
            ? "Their roles here start when they accept the invitation."
            : member.managed
            ? "Disabling keeps the account and its records; the person can't sign in anywhere until re-enabled."
            : "Suspending removes their access here only; their own account and other organizations are untouched."}
        </p>
      </div>
      <Dialog open={confirming} onClose={() => setConfirming(false)} title={`${member.managed ? "Delete" : "Remove"} ${member.name}?`}>
        <form
          className="space-y-4"
          noValidate
          onSubmit={async (e) => {
            e.preventDefault();
            const confirmation = String(new FormData(e.currentTarget).get("confirmation") ?? "");
            const ok = await run(() => removeUser({ ...ids, confirmation }), member.managed ? `${member.name} was deleted.` : `${member.name} was removed.`);
            if (ok) router.push(`/o/${nodeId}/settings/users`);
          }}
        >
          <p className="text-sm text-slate-700">
            {member.managed
              ? "Their roles here are removed at once. If they belong to no other practice or profile, their account is deleted too; the notes, appointments and audit entries they made stay attributed to them."
              : "Their roles here are removed at once. Their own account and other organizations are untouched; the records they made stay attributed to them."}
          </p>
          <Field id="confirm-delete" label={`Type ${member.email} to confirm`} error={fieldErrors(fields, "confirmation")}>
            <input id="confirm-delete" name="confirmation" autoComplete="off" className={inputClass} />
          </Field>
          <div className="flex justify-end gap-2">
            <button type="button" className={buttonClass.secondary} onClick={() => setConfirming(false)}>
              Cancel
            </button>
            <button type="submit" className={buttonClass.danger} disabled={pending}>
              Delete permanently
            </button>
          </div>
        </form>
      </Dialog>
    </Card>
  );
}

/** Disable/re-enable a managed account, or suspend/lift the suspension of anyone else's membership here. */
function StatusButton({ ids, member, pending, run }: { ids: { nodeId: string; userId: string }; member: MemberDetailView; pending: boolean; run: ReturnType<typeof useAction>["run"] }) {
  const off = member.status === "DISABLED" || member.status === "SUSPENDED";
  const [label, done] = member.status === "SUSPENDED" || (!member.managed && !off)
    ? off
      ? ["Lift suspension", `${member.name} has access here again.`]
      : ["Suspend here", `${member.name} is suspended here. Their account and other organizations are untouched.`]
    : off
      ? ["Re-enable account", `${member.name} can sign in again.`]
      : ["Disable account", `${member.name} is disabled and was signed out. Their records stay.`];
  return (
    <button type="button" className={buttonClass.secondary} disabled={pending} onClick={() => void run(() => setStatus({ ...ids, status: off ? "ACTIVE" : "DISABLED" }), done)}>
      {label}
    </button>
  );
}
