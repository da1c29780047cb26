"use client";

import { useEffect, useState } from "react";
import { useServerAction } from "@/components/client/use-server-action";
import { Field, FormError, Notice, buttonClass, fieldErrors, inputClass } from "@/components/ui/form";
import { bookAction, freeSlotsAction } from "@/lib/schedule/actions";
import { timeLabel } from "@/lib/care/time";

type Place = { id: string; name: string; providers: { id: string; name: string }[] };
type Patient = { id: string; name: string; nodeId: string };

/**
 * Book an appointment: only the provider's free start times are offered (from the server, for the
 * chosen day and length). When someone else took the time meanwhile, the server refuses with 409 and
 * its reason, shown here, and the free times are fetched again.
 */
export function BookingForm({ locations, patients, date, defaultLocation, defaultProvider }: { locations: Place[]; patients: Patient[]; date: string; defaultLocation?: string; defaultProvider?: string }) {
  const first = locations.find((l) => l.id === defaultLocation) ?? locations[0];
  const [nodeId, setNodeId] = useState(first?.id ?? "");
  const place = locations.find((l) => l.id === nodeId) ?? first;
  const [providerId, setProviderId] = useState(place?.providers.find((p) => p.id === defaultProvider)?.id ?? place?.providers[0]?.id ?? "");
  const [patientId, setPatientId] = useState("");
  const [day, setDay] = useState(date);
  const [minutes, setMinutes] = useState(30);
  const [time, setTime] = useState("");
  const [reason, setReason] = useState("");
  const [slots, setSlots] = useState<string[] | null>(null);
  const [booked, setBooked] = useState<string | null>(null);
  const lookup = useServerAction(freeSlotsAction);
  const book = useServerAction(bookAction, { refresh: true });
  const { run } = lookup;

  const refreshSlots = async () => {
    if (!nodeId || !providerId || !day) return;
    const result = await run({ nodeId, providerId, date: day, minutes });
    const next = result.ok ? result.data.slots : [];
    setSlots(result.ok ? next : null);
    setTime((t) => (next.includes(t) ? t : (next[0] ?? "")));
  };
  useEffect(() => {
    void refreshSlots();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [nodeId, providerId, day, minutes]);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setBooked(null);
    const result = await book.run({ nodeId, providerId, patientId, date: day, time, minutes, reason });
    if (result.ok) {
      const who = patients.find((p) => p.id === patientId)?.name ?? "The patient";
      setBooked(`Booked: ${who}, ${timeLabel(time)} on ${day}.`);
      setReason("");
    }
    await refreshSlots();
  }

  const slotHint = slots === null ? (lookup.pending ? "Looking up free times…" : (lookup.message ?? undefined)) : slots.length === 0 ? "No free time that day: choose another day or provider." : `${slots.length} free ${slots.length === 1 ? "time" : "times"}.`;
  const patientsHere = patients.filter((p) => p.nodeId === nodeId);
  const patientList = patientsHere.length > 0 ? patientsHere : patients;
  const conflict = book.error?.code === "conflict" ? book.error.message : null;
  return (
    <form onSubmit={submit} noValidate aria-label="Book an appointment" className="space-y-4" data-testid="booking-form">
      <FormError message={conflict ?? (book.error ? (book.fields ? "Some fields need attention." : book.message) : null)} />
      <Notice message={booked} />
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        {locations.length > 1 && (
          <Field id="book-location" label="Location" error={fieldErrors(book.fields, "nodeId")}>
            <select
              id="book-location"
              className={inputClass}
              value={nodeId}
              onChange={(e) => {
                const next = locations.find((l) => l.id === e.target.value);
                setNodeId(e.target.value);
                setProviderId(next?.providers[0]?.id ?? "");
              }}
            >
              {locations.map((l) => (
                <option key={l.id} value={l.id}>
                  {l.name}
                </option>
              ))}
            </select>
          </Field>
        )}
        <Field id="book-provider" label="Provider" error={fieldErrors(book.fields, "providerId")}>
          <select id="book-provider" className={inputClass} value={providerId} onChange={(e) => setProviderId(e.target.value)}>
            {(place?.providers ?? []).map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </Field>
        <Field id="book-patient" label="Patient" error={fieldErrors(book.fields, "patientId")}>
          <select id="book-patient" className={inputClass} value={patientId} onChange={(e) => setPatientId(e.target.value)} aria-invalid={fieldErrors(book.fields, "patientId") ? true : undefined}>
            <option value="">Choose a patient…</option>
            {patientList.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </Field>
        <Field id="book-date" label="Day" error={fieldErrors(book.fields, "date")}>
          <input id="book-date" type="date" className={inputClass} value={day} onChange={(e) => setDay(e.target.value)} />
        </Field>
        <Field id="book-minutes" label="Length" error={fieldErrors(book.fields, "minutes")}>
          <select id="book-minutes" className={inputClass} value={minutes} onChange={(e) => setMinutes(Number(e.target.value))}>
            {[15, 30, 45, 60, 90].map((m) => (
              <option key={m} value={m}>
                {m} minutes
              </option>
            ))}
          </select>
        </Field>
        <Field
          id="book-time"
          label="Free time"
          error={fieldErrors(book.fields, "time") ?? fieldErrors(lookup.fields, "date")}
          hint={slotHint}
        >
          <select id="book-time" className={inputClass} value={time} onChange={(e) => setTime(e.target.value)} disabled={!slots || slots.length === 0} aria-describedby={slotHint && !fieldErrors(book.fields, "time") ? "book-time-hint" : undefined}>
            {(slots ?? []).map((t) => (
              <option key={t} value={t}>
                {timeLabel(t)}
              </option>
            ))}
          </select>
        </Field>
        <Field id="book-reason" label="Reason (optional)" error={fieldErrors(book.fields, "reason")}>
          <input id="book-reason" className={inputClass} value={reason} maxLength={200} onChange={(e) => setReason(e.target.value)} />
        </Field>
      </div>
      <div className="flex justify-end">
        <button type="submit" className={buttonClass.primary} disabled={book.pending || !time}>
          {book.pending ? "Booking…" : "Book appointment"}
        </button>
      </div>
    </form>
  );
}
