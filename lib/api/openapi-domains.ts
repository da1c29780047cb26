import type { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { activityListQuery, exportQuery } from "../audit/activity";
import { listSchema as invoiceListSchema, periodSchema } from "../billing/billing";
import { flagUpdateSchema } from "../flags/flags";
import { createNoteSchema } from "../patients/notes";
import { createSchema as createPatientSchema, editSchema as editPatientSchema, exportSchema as exportPatientsSchema, listSchema as patientListSchema } from "../patients/patients";
import { emSyncToggleSchema } from "../practice/em-sync-api";
import { migrationRequestSchema } from "../practice/migration";
import { bookSchema, rescheduleSchema, statusSchema } from "../schedule/appointments";
import { periodSchema as performancePeriodSchema } from "../schedule/performance";

/**
 * The clinic, audit and enterprise routes (issues 9, 10, 14) in the OpenAPI document. Each route's
 * one zod input is split here into its path parameters and, for the rest, the query (GET) or the
 * JSON body, so the document is generated from the same schemas the wrapper validates with.
 * lib/machine/openapi.test.ts fails when a public route is missing.
 */
type Method = "get" | "post" | "put" | "patch" | "delete";
type PathFn = (method: Method, p: string, summary: string, request: object, responses: object) => void;
const json = (schema: z.ZodType) => ({ content: { "application/json": { schema } } });
const ok = { 200: { description: "Done", ...json(z.object({}).passthrough()) } };
const csv = { 200: { description: "CSV file", content: { "text/csv": { schema: z.string() } } } };

/** The request of a route whose input is `schema`, with `{name}` segments of `p` as path parameters. */
function request(method: Method, p: string, schema: z.ZodType | null): object {
  const names = [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
  const params = names.length ? z.object(Object.fromEntries(names.map((n) => [n, z.string().openapi({ param: { name: n, in: "path" } })]))) : undefined;
  if (!schema) return params ? { params } : {};
  const rest = withoutKeys(schema, names);
  if (method === "get" || method === "delete") return { ...(params ? { params } : {}), ...(rest instanceof z.ZodObject ? { query: rest } : {}) };
  return { ...(params ? { params } : {}), body: json(rest) };
}

/** The schema without the path parameters; a refined object can't be narrowed, so it is shown whole. */
function withoutKeys(schema: z.ZodType, names: string[]): z.ZodType {
  if (!(schema instanceof z.ZodObject)) return schema;
  const keys = names.filter((n) => n in schema.shape);
  if (!keys.length) return schema;
  try {
    return schema.omit(Object.fromEntries(keys.map((n) => [n, true])) as never);
  } catch {
    return schema;
  }
}

export function registerDomainPaths(_r: OpenAPIRegistry, path: PathFn) {
  const op = (method: Method, p: string, summary: string, schema: z.ZodType | null, responses: object = ok) => path(method, p, summary, request(method, p, schema), responses);

  // Issue 9: the activity log.
  op("get", "/api/activity/{nodeId}", "The place's audit events, filtered and paged (audit_log.read; a region sees its subtree)", activityListQuery);
  op("get", "/api/activity/{nodeId}/export", "Export the filtered activity log as CSV or JSON (audit_log.export; audited)", exportQuery, { 200: { description: "The file", content: { "text/csv": { schema: z.string() }, "application/json": { schema: z.array(z.unknown()) } } } });
  op("post", "/api/activity/{nodeId}/verify", "Re-walk the tenant's audit hash chain and name the first broken link", null);

  // Issue 10: patients, clinical notes, appointments, billing.
  op("get", "/api/patients", "Patients the caller may see at a place, masked per their grants (audited as patient.list)", patientListSchema);
  op("post", "/api/patients", "Add a patient", createPatientSchema, { 201: { description: "Created", ...json(z.object({ id: z.uuid() }).passthrough()) } });
  op("get", "/api/patients/export", "Export patients as CSV (patients.export; audited)", exportPatientsSchema, csv);
  op("get", "/api/patients/{patientId}", "One patient, masked (audited as patient.read)", null);
  op("patch", "/api/patients/{patientId}", "Edit a patient", editPatientSchema);
  op("delete", "/api/patients/{patientId}", "Delete a patient", null);
  op("get", "/api/patients/{patientId}/notes", "A patient's clinical notes (audited as clinical_note.read)", null);
  op("post", "/api/patients/{patientId}/notes", "Write a clinical note", createNoteSchema, { 201: { description: "Created", ...json(z.object({ id: z.uuid() }).passthrough()) } });
  op("post", "/api/appointments", "Book an appointment into a free slot (409 with the reason when it isn't free)", bookSchema, { 201: { description: "Booked", ...json(z.object({ id: z.uuid() }).passthrough()) } });
  op("put", "/api/appointments/{appointmentId}", "Reschedule an appointment (409 when the new time isn't free)", rescheduleSchema);
  op("patch", "/api/appointments/{appointmentId}", "Check in, complete, cancel or mark a no-show", statusSchema);
  op("get", "/api/performance/{nodeId}", "Provider performance over a period (booked, completed, no-show, revenue, rating); a Provider sees their own row", performancePeriodSchema);
  op("get", "/api/billing/{nodeId}/invoices", "Invoices at a place, searchable and paged", invoiceListSchema);
  op("get", "/api/billing/{nodeId}/refunds", "Refunds at a place, with what the caller may do and why not", null);
  op("get", "/api/billing/{nodeId}/report/export", "The billing report for a period as CSV (billing_reports.export; audited)", periodSchema, csv);

  // Issue 14: feature flags and the legacy migration.
  op("get", "/api/settings/features", "The tenant's feature flags and the roles hidden from each", z.object({ tenantId: z.uuid() }));
  op("patch", "/api/settings/features", "Turn a flag on or off, or choose the roles it is hidden from (audited)", flagUpdateSchema);
  op("post", "/api/practices/{nodeId}/legacy-migration", "Legacy migration from the practice system: plan (preflight and dry run) or apply (one transaction)", migrationRequestSchema);
  op("post", "/api/practices/{nodeId}/legacy-migration/rollback", "Roll a migration back within its window", z.object({ migrationId: z.uuid() }));
  op("get", "/api/practices/{nodeId}/em-sync", "EM Sync status: last sync, lag, pending, errors, conflicts", null);
  op("post", "/api/practices/{nodeId}/em-sync", "Turn EM Sync on (migrates first when needed) or off (keeps migrated data)", emSyncToggleSchema.omit({ nodeId: true }));
  op("post", "/api/practices/{nodeId}/em-sync/retry", "Retry failed and backed-off EM Sync deliveries now", null);
}
