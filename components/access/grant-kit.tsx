"use client";

/**
 * The one set of pieces for the time-boxed access screens (access requests, emergency access,
 * delegations, support access): a titled panel, the request/grant form frame, the from–until
 * dates, the reason box, the list of grants with its empty state, status badges and row actions,
 * and the answer card of a "waiting for you" list.
 */
import { useId, useState, type ReactNode } from "react";
import { datesProblem, endOfDayIso, startOfDayIso } from "@/lib/access/dates";
import { Field, FormError, Notice, buttonClass, fieldErrors, inputClass } from "@/components/ui/form";

type Fields = Record<string, string[] | undefined> | undefined;

/** A moment as these screens show it; "—" where there is none. */
export const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString("en-US", { dateStyle: "medium", timeStyle: "short" }) : "—");
/** Today as a date input's value (YYYY-MM-DD, local). */
export const today = () => new Date().toLocaleDateString("en-CA");

/** "start – end". */
export function Period({ startsAt, endsAt }: { startsAt: string | null; endsAt: string | null }) {
  return (
    <>
      {when(startsAt)} – {when(endsAt)}
    </>
  );
}

export type StatusStyles = Record<string, { label: string; className: string }>;

/** A status pill: its colour and label from `styles`; `label` overrides the text. */
export function StatusBadge({ styles, value, label }: { styles: StatusStyles; value: string; label?: string }) {
  return <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${styles[value]?.className ?? ""}`}>{label ?? styles[value]?.label ?? value}</span>;
}

const TONE = { plain: "border-slate-200 bg-white", waiting: "border-amber-300 bg-amber-50", danger: "border-red-200 bg-white" } as const;

/** A card section named by its heading (aria-labelledby). */
export function Panel({ title, id, tone = "plain", children }: { title: ReactNode; id?: string; tone?: keyof typeof TONE; children: ReactNode }) {
  const uid = useId();
  const headingId = id ?? `${uid}-t`;
  return (
    <section aria-labelledby={headingId} className={`rounded-xl border ${TONE[tone]} p-5 shadow-sm`}>
      <h2 id={headingId} className="text-lg font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}

/** The request/grant form frame: a panel, the form-wide error and notice, the fields, one submit button. */
export function FormPanel(props: {
  title: ReactNode;
  tone?: keyof typeof TONE;
  intro?: ReactNode;
  error?: string | null;
  notice?: string | null;
  pending: boolean;
  submit: { label: string; pendingLabel: string; testId: string; variant?: "primary" | "danger" };
  onSubmit: (form: FormData) => void;
  children: ReactNode;
}) {
  return (
    <Panel title={props.title} tone={props.tone}>
      {props.intro}
      <form
        noValidate
        className="mt-3 grid gap-3 sm:grid-cols-2"
        onSubmit={(e) => {
          e.preventDefault();
          props.onSubmit(new FormData(e.currentTarget));
        }}
      >
        <div className="sm:col-span-2">
          <FormError message={props.error} />
          <Notice message={props.notice} />
        </div>
        {props.children}
        <div className="sm:col-span-2">
          <button type="submit" className={buttonClass[props.submit.variant ?? "primary"]} disabled={props.pending} data-testid={props.submit.testId}>
            {props.pending ? props.submit.pendingLabel : props.submit.label}
          </button>
        </div>
      </form>
    </Panel>
  );
}

/** The reason box, across the whole form (name "reason"). */
export function ReasonField({ id, hint, fields, testId }: { id: string; hint: string; fields: Fields; testId: string }) {
  return (
    <div className="sm:col-span-2">
      <Field id={id} label="Reason" error={fieldErrors(fields, "reason")} hint={hint}>
        <textarea id={id} name="reason" rows={2} className={inputClass} data-testid={testId} />
      </Field>
    </div>
  );
}

/** From (today or later) and until (last day), whole days. */
export function useDateRange() {
  const [from, setFrom] = useState(today());
  const [until, setUntil] = useState("");
  return {
    from,
    setFrom,
    until,
    setUntil,
    /** What is wrong with the dates, `missing` when no last day is chosen; null when they are fine. */
    problem: (missing: string) => (until ? datesProblem(from, until) : missing),
    /** From today: from now; from a later day: from its start; until the end of the last day. */
    period: () => ({ startsAt: from === today() || !from ? new Date().toISOString() : startOfDayIso(from)!, endsAt: endOfDayIso(until)! }),
  };
}

export function DateRangeFields({ id, range, fields, testId }: { id: string; range: ReturnType<typeof useDateRange>; fields: Fields; testId: string }) {
  return (
    <>
      <Field id={`${id}-from`} label="From" error={fieldErrors(fields, "startsAt")}>
        <input id={`${id}-from`} type="date" className={inputClass} value={range.from} min={today()} onChange={(e) => range.setFrom(e.target.value)} data-testid={`${testId}-from`} />
      </Field>
      <Field id={`${id}-until`} label="Until (last day)" error={fieldErrors(fields, "endsAt")}>
        <input id={`${id}-until`} type="date" className={inputClass} value={range.until} min={range.from || today()} onChange={(e) => range.setUntil(e.target.value)} data-testid={`${testId}-until`} />
      </Field>
    </>
  );
}

/** A list of grants in a panel: a table with these column headings (and an unlabelled actions column), or the empty text. */
export function GrantList<T>(props: { title: ReactNode; id?: string; empty: string; testId: string; columns: string[]; actions?: boolean; rows: T[]; children: (row: T) => ReactNode }) {
  const headings: ReactNode[] = props.actions ? [...props.columns, <span className="sr-only">Actions</span>] : props.columns;
  return (
    <Panel title={props.title} id={props.id}>
      {props.rows.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">{props.empty}</p>
      ) : (
        <table className="mt-3 w-full text-sm" data-testid={props.testId}>
          <thead>
            <tr className="border-b border-slate-200 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
              {headings.map((h, i) => (
                <th key={i} scope="col" className={i === headings.length - 1 ? "py-2" : "py-2 pr-3"}>
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>{props.rows.map(props.children)}</tbody>
        </table>
      )}
    </Panel>
  );
}

/** A grant's row; its cells are <Cell>s, the last one <EndCell> or a <Cell last>. */
export function GrantRow({ testId, children }: { testId?: string; children: ReactNode }) {
  return (
    <tr className="border-b border-slate-100 align-top" data-testid={testId}>
      {children}
    </tr>
  );
}

export function Cell({ last, className = "", children }: { last?: boolean; className?: string; children: ReactNode }) {
  return <td className={`${last ? "py-2" : "py-2 pr-3"} ${className}`.trim()}>{children}</td>;
}

/** Who holds it, with a line of detail below. */
export function WhoCell({ name, detail }: { name: string; detail: ReactNode }) {
  return (
    <Cell>
      <span className="font-medium">{name}</span>
      <span className="block text-xs text-slate-600">{detail}</span>
    </Cell>
  );
}

/** The row's "end it now" button (while the grant is open) and the error of ending it. */
export function EndCell({ open, label, pending, onEnd, testId, message }: { open: boolean; label: string; pending: boolean; onEnd: () => void; testId: string; message?: string | null }) {
  return (
    <td className="py-2 text-right">
      {open && (
        <button type="button" className={buttonClass.dangerOutline} disabled={pending} onClick={onEnd} data-testid={testId}>
          {label}
        </button>
      )}
      <FormError message={message} />
    </td>
  );
}

/** "Waiting for your answer/review (n)": a highlighted panel of <DecisionCard>s. */
export function WaitingPanel({ id, title, count, children }: { id: string; title: string; count: number; children: ReactNode }) {
  return (
    <Panel id={id} tone="waiting" title={`${title} (${count})`}>
      <ul className="mt-3 space-y-3">{children}</ul>
    </Panel>
  );
}

/** One item waiting for a decision: what is asked, when, the reason, a note and the two answers. */
export function DecisionCard(props: {
  testId: string;
  heading: ReactNode;
  meta: ReactNode;
  reason: string;
  message?: string | null;
  notice?: string | null;
  note: { label: string; value: string; onChange: (value: string) => void; testId: string; error?: string[] };
  disabled: boolean;
  yes: { label: string; testId: string; onClick: () => void };
  no: { label: string; testId: string; onClick: () => void };
}) {
  const uid = useId();
  const { note } = props;
  // A note's error is about the note as it was sent: once it is edited the error (and the form's
  // "fields need attention" that came with it) goes, until the next answer brings one.
  const [editedPast, setEditedPast] = useState<string[] | undefined>();
  const edited = note.error !== undefined && note.error === editedPast;
  const noteError = edited ? undefined : note.error;
  return (
    <li className="rounded-lg border border-slate-200 bg-white p-4" data-testid={props.testId}>
      <p className="font-medium">{props.heading}</p>
      <p className="text-sm text-slate-600">{props.meta}</p>
      <p className="mt-1 text-sm">“{props.reason}”</p>
      <FormError message={edited ? null : props.message} />
      <Notice message={props.notice} />
      <div className="mt-2 flex flex-wrap items-end gap-2">
        <div className="min-w-64 flex-1">
          <label htmlFor={`${uid}-note`} className="block text-sm font-medium text-slate-700">
            {note.label}
          </label>
          <input
            id={`${uid}-note`}
            className={inputClass}
            value={note.value}
            onChange={(e) => {
              note.onChange(e.target.value);
              setEditedPast(note.error);
            }}
            data-testid={note.testId}
            aria-invalid={noteError ? true : undefined}
            aria-describedby={noteError ? `${uid}-note-error` : undefined}
          />
          {noteError && (
            <p id={`${uid}-note-error`} className="mt-1 text-sm text-red-700">
              {noteError[0]}
            </p>
          )}
        </div>
        <button type="button" className={buttonClass.primary} disabled={props.disabled} onClick={props.yes.onClick} data-testid={props.yes.testId}>
          {props.yes.label}
        </button>
        <button type="button" className={buttonClass.dangerOutline} disabled={props.disabled} onClick={props.no.onClick} data-testid={props.no.testId}>
          {props.no.label}
        </button>
      </div>
    </li>
  );
}
