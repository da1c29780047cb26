"use client";

import { useState } from "react";
import { addUser, inviteUser } from "@/lib/members/actions";
import { queryKeys } from "@/components/client/query-keys";
import { useServerAction } from "@/components/client/use-server-action";
import { Dialog } from "@/components/ui/dialog";
import { Field, FormError, buttonClass, fieldErrors, inputClass } from "@/components/ui/form";
import { RoleSelect, type PlaceOption, type RoleOption } from "@/components/ui/select";

type PasswordMode = "email" | "set";

/** Send Invite (email + role + locations) and Add User (with a password, or an activation email). */
export function AddPersonDialog({
  mode,
  onClose,
  nodeId,
  places,
  roles,
  onDone,
}: {
  mode: "invite" | "add" | null;
  onClose: () => void;
  nodeId: string;
  places: PlaceOption[];
  roles: RoleOption[];
  onDone: (message: string) => void;
}) {
  const invite = useServerAction(inviteUser, { invalidate: [queryKeys.membersAt(nodeId)] });
  const add = useServerAction(addUser, { invalidate: [queryKeys.membersAt(nodeId)] });
  const call = mode === "invite" ? invite : add;
  const { fields, pending } = call;
  const error = call.error && !call.error.fields ? call.error.message : null;
  const [passwordMode, setPasswordMode] = useState<PasswordMode>("email");
  const [chosen, setChosen] = useState<string[]>([nodeId]);

  const close = () => {
    invite.reset();
    add.reset();
    setChosen([nodeId]);
    onClose();
  };

  async function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const roleId = String(form.get("roleId") ?? "");
    const assignments = chosen.map((id) => ({ nodeId: id, roleId }));
    const email = String(form.get("email") ?? "");
    const result =
      mode === "invite"
        ? await invite.run({ nodeId, email, name: String(form.get("name") ?? "") || undefined, assignments })
        : await add.run({
            nodeId,
            email,
            name: String(form.get("name") ?? ""),
            phone: String(form.get("phone") ?? "") || undefined,
            password: passwordMode === "set" ? String(form.get("password") ?? "") : null,
            assignments,
          });
    if (!result.ok) return;
    call.reset();
    setChosen([nodeId]);
    // The server's words: the same whether or not the email already had an account.
    onDone(result.data.message);
  }

  const err = (name: string) => fieldErrors(fields, name);
  return (
    <Dialog open={mode !== null} onClose={close} title={mode === "invite" ? "Send an invite" : "Add a user"} wide>
      <form onSubmit={submit} noValidate className="space-y-4">
        <FormError message={error} />
        <div className="grid gap-4 sm:grid-cols-2">
          <Field id="person-email" label="Email" error={err("email")}>
            <input id="person-email" name="email" type="email" required autoComplete="off" className={inputClass} aria-invalid={Boolean(err("email"))} />
          </Field>
          <Field id="person-name" label={mode === "invite" ? "Name (optional)" : "Name"} error={err("name")}>
            <input id="person-name" name="name" type="text" className={inputClass} aria-invalid={Boolean(err("name"))} />
          </Field>
          {mode === "add" && (
            <Field id="person-phone" label="Phone (optional)" error={err("phone")}>
              <input id="person-phone" name="phone" type="tel" className={inputClass} aria-invalid={Boolean(err("phone"))} />
            </Field>
          )}
          <Field id="person-role" label="Role" error={err("roleId")}>
            <RoleSelect id="person-role" name="roleId" required defaultValue="" aria-invalid={Boolean(err("roleId"))} roles={roles} empty={{ label: "Choose a role", disabled: true }} />
          </Field>
        </div>
        <fieldset>
          <legend className="text-sm font-medium text-slate-700">Locations</legend>
          <p className="text-xs text-slate-500">The role applies at each place you tick and everywhere below it.</p>
          <div className="mt-2 max-h-48 space-y-1 overflow-y-auto rounded-md border border-slate-200 p-2">
            {places.map((p) => (
              <label key={p.id} className="flex items-center gap-2 text-sm" style={{ paddingLeft: `${p.depth * 1}rem` }}>
                <input
                  type="checkbox"
                  checked={chosen.includes(p.id)}
                  onChange={(e) => setChosen((c) => (e.target.checked ? [...c, p.id] : c.filter((x) => x !== p.id)))}
                />
                {p.name}
              </label>
            ))}
          </div>
          {(err("locations") ?? err("nodeId") ?? fields?.assignments)?.map((m) => (
            <p key={m} className="mt-1 text-sm text-red-700">
              {m}
            </p>
          ))}
        </fieldset>
        {mode === "add" && (
          <fieldset className="space-y-2">
            <legend className="text-sm font-medium text-slate-700">Password</legend>
            <label className="flex items-center gap-2 text-sm">
              <input type="radio" name="passwordMode" checked={passwordMode === "email"} onChange={() => setPasswordMode("email")} /> Email an activation link (recommended)
            </label>
            <label className="flex items-center gap-2 text-sm">
              <input type="radio" name="passwordMode" checked={passwordMode === "set"} onChange={() => setPasswordMode("set")} /> Set a temporary password now
            </label>
            {passwordMode === "set" && (
              <Field id="person-password" label="Temporary password" error={err("password")} hint="They must change it when they first sign in.">
                <input id="person-password" name="password" type="password" autoComplete="new-password" className={inputClass} aria-invalid={Boolean(err("password"))} />
              </Field>
            )}
          </fieldset>
        )}
        <div className="flex justify-end gap-2 pt-2">
          <button type="button" className={buttonClass.secondary} onClick={close}>
            Cancel
          </button>
          <button type="submit" className={buttonClass.primary} disabled={pending}>
            {pending ? "Saving…" : mode === "invite" ? "Send invite" : "Create user"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
