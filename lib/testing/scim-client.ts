import { runAs, type Caller } from "../api/handler";
import { toErrorBody } from "../api/errors";
import { scimErrorResponse } from "../identity/scim";
import * as groups from "../../app/scim/v2/Groups/route";
import * as group from "../../app/scim/v2/Groups/[id]/route";
import * as users from "../../app/scim/v2/Users/route";
import * as user from "../../app/scim/v2/Users/[id]/route";
import * as spc from "../../app/scim/v2/ServiceProviderConfig/route";
import * as types from "../../app/scim/v2/ResourceTypes/route";

/**
 * A SCIM client for integration tests: requests by method and path, answered by the real route
 * specs through runAs() with the bearer token (exactly the input route() builds: query, body, path
 * params), errors rendered the way route() renders them for SCIM. Status and JSON come back.
 */
type Module = Record<string, { spec: Parameters<typeof runAs>[0] } | unknown>;
const ROUTES: [RegExp, Module][] = [
  [/^\/Users$/, users],
  [/^\/Users\/(?<id>[^/]+)$/, user],
  [/^\/Groups$/, groups],
  [/^\/Groups\/(?<id>[^/]+)$/, group],
  [/^\/ServiceProviderConfig$/, spc],
  [/^\/ResourceTypes$/, types],
];

export class ScimClient {
  constructor(private token: string | null) {}

  async request(method: string, pathAndQuery: string, body?: unknown): Promise<{ status: number; json: any }> {
    const url = new URL(pathAndQuery, "http://scim.test");
    const found = ROUTES.map(([re, mod]) => [url.pathname.match(re), mod] as const).find(([m]) => m);
    if (!found) return { status: 404, json: null };
    const [match, mod] = found;
    const entry = mod[method] as { spec: Parameters<typeof runAs>[0] } | undefined;
    if (!entry) return { status: 405, json: null };
    const raw = { ...Object.fromEntries(url.searchParams), ...((body as object) ?? {}), ...(match!.groups ?? {}) };
    const caller: Caller = { session: null, ip: "198.51.100.20", bearer: this.token };
    let res: Response;
    try {
      const result = await runAs(entry.spec, raw, caller);
      res = result instanceof Response ? result : Response.json(result);
    } catch (err) {
      const { status, body: errBody } = toErrorBody(err);
      res = scimErrorResponse(status, errBody, {});
    }
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null };
  }

  get = (p: string) => this.request("GET", p);
  post = (p: string, b: unknown) => this.request("POST", p, b);
  put = (p: string, b: unknown) => this.request("PUT", p, b);
  patch = (p: string, b: unknown) => this.request("PATCH", p, b);
  delete = (p: string) => this.request("DELETE", p);
}
