import type { Metadata } from "next";
import { openApiDocument } from "@/lib/profiles/openapi";

export const metadata: Metadata = { title: "API reference" };

type Schema = { type?: string | string[]; properties?: Record<string, Schema>; items?: Schema; enum?: unknown[]; required?: string[]; $ref?: string; format?: string; anyOf?: Schema[] };
type Operation = { summary?: string; parameters?: { name: string; in: string; required?: boolean; schema?: Schema }[]; requestBody?: { content: Record<string, { schema: Schema }> }; responses: Record<string, { description: string }> };

function typeOf(s: Schema | undefined): string {
  if (!s) return "";
  if (s.$ref) return s.$ref.split("/").pop()!;
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (s.anyOf) return s.anyOf.map(typeOf).join(" | ");
  if (s.type === "array") return `${typeOf(s.items)}[]`;
  return [Array.isArray(s.type) ? s.type.join(" | ") : s.type, s.format].filter(Boolean).join(" ") || "object";
}

const METHOD_STYLE: Record<string, string> = { get: "bg-blue-100 text-blue-900", post: "bg-green-100 text-green-900", put: "bg-amber-100 text-amber-900", patch: "bg-amber-100 text-amber-900", delete: "bg-red-100 text-red-900" };

/** The OpenAPI document rendered on the server (issue 13): no script, no CDN. */
export default function ApiReferencePage() {
  const doc = openApiDocument() as unknown as { info: { title: string; description?: string; version: string }; paths: Record<string, Record<string, Operation>> };
  const entries = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })));
  return (
    <main className="mx-auto max-w-4xl space-y-6 p-6">
      <header className="space-y-2">
        <h1 className="text-2xl font-semibold text-slate-900">{doc.info.title}</h1>
        <p className="text-slate-700">{doc.info.description} Version {doc.info.version}.</p>
        <p className="text-sm text-slate-700">
          Authenticate with a browser session or an API key from <em>Settings &gt; API access</em>: <code className="rounded bg-slate-100 px-1">Authorization: Bearer cak_…</code>. Errors are{" "}
          <code className="rounded bg-slate-100 px-1">{`{ "error": { "code", "message", "fields"? } }`}</code>: 400 invalid input (a message per field), 401 no session or an unknown, revoked or expired key, 403 without the permission, 404 outside your places, 409 conflict, 429 over the key&apos;s rate limit (<code>RateLimit</code>, <code>Retry-After</code>). The machine-readable document is at{" "}
          <a className="font-medium text-blue-700 underline" href="/api/openapi.json">/api/openapi.json</a>.
        </p>
      </header>
      <nav aria-label="Endpoints">
        <ul className="grid gap-1 text-sm sm:grid-cols-2">
          {entries.map(({ path, method, op }) => (
            <li key={`${method} ${path}`}>
              <a className="text-blue-700 underline" href={`#${method}-${path.replace(/[^a-z0-9]+/gi, "-")}`}>
                <span className="font-mono uppercase">{method}</span> {path}
              </a>
              <span className="sr-only"> {op.summary}</span>
            </li>
          ))}
        </ul>
      </nav>
      {entries.map(({ path, method, op }) => {
        const body = op.requestBody ? Object.values(op.requestBody.content)[0]?.schema : undefined;
        return (
          <section key={`${method} ${path}`} id={`${method}-${path.replace(/[^a-z0-9]+/gi, "-")}`} aria-labelledby={`${method}-${path}-h`} className="rounded-lg border border-slate-200 bg-white p-4">
            <h2 id={`${method}-${path}-h`} className="flex flex-wrap items-center gap-2 font-mono text-base text-slate-900">
              <span className={`rounded px-2 py-0.5 text-xs font-semibold uppercase ${METHOD_STYLE[method] ?? "bg-slate-100"}`}>{method}</span>
              {path}
            </h2>
            <p className="mt-1 text-sm text-slate-700">{op.summary}</p>
            {op.parameters?.length ? (
              <table className="mt-2 w-full text-left text-sm">
                <caption className="text-left text-xs font-semibold uppercase text-slate-600">Parameters</caption>
                <thead><tr><th>Name</th><th>In</th><th>Type</th><th>Required</th></tr></thead>
                <tbody>{op.parameters.map((p) => <tr key={`${p.in}-${p.name}`} className="border-t border-slate-100"><td className="font-mono">{p.name}</td><td>{p.in}</td><td>{typeOf(p.schema)}</td><td>{p.required ? "yes" : "no"}</td></tr>)}</tbody>
              </table>
            ) : null}
            {body?.properties ? (
              <table className="mt-2 w-full text-left text-sm">
                <caption className="text-left text-xs font-semibold uppercase text-slate-600">Body (JSON)</caption>
                <thead><tr><th>Field</th><th>Type</th><th>Required</th></tr></thead>
                <tbody>{Object.entries(body.properties).map(([name, s]) => <tr key={name} className="border-t border-slate-100"><td className="font-mono">{name}</td><td>{typeOf(s)}</td><td>{body.required?.includes(name) ? "yes" : "no"}</td></tr>)}</tbody>
              </table>
            ) : null}
            <p className="mt-2 text-xs text-slate-600">Responses: {Object.entries(op.responses).map(([code, r]) => `${code} ${r.description}`).join(" · ")}</p>
          </section>
        );
      })}
    </main>
  );
}
