import "server-only";
import { sharedLoader } from "../authz/load";
import type { Subject } from "../authz/subject";
import type { Db } from "../db/client";
import { restrictSubject, type AuthenticatedKey } from "./keys";

/**
 * The subject an API key acts with, from the live subjects of its principal and its creator (both
 * from the shared loader, so a change to either one's roles is seen by the next request). The
 * restricted subject is cached per key while both compiled subjects are the same objects.
 */
const cache = new Map<string, { principal: Subject; creator: Subject; permissions: string; subject: Subject; at: number }>();
const MAX = 5_000;
/** Bindings and grants may expire: a cached restriction is recomputed at least this often. */
const TTL_MS = 30_000;

export async function keySubject(db: Db, key: AuthenticatedKey, now = Date.now()): Promise<Subject> {
  const loader = sharedLoader(db);
  const principal = await loader.load(key.principal.id);
  const creator = key.createdById === key.principal.id ? principal : await loader.load(key.createdById);
  const permissions = key.permissions.join(",");
  const hit = cache.get(key.keyId);
  if (hit && hit.principal === principal && hit.creator === creator && hit.permissions === permissions && now - hit.at < TTL_MS) return hit.subject;
  const subject = restrictSubject(principal, creator, key.tenantId, key.permissions, now);
  if (cache.size >= MAX) cache.delete(cache.keys().next().value!);
  cache.set(key.keyId, { principal, creator, permissions, subject, at: now });
  return subject;
}
