import type { Metadata } from "next";
import { ApiAccess } from "@/components/machine/api-access";
import { PERMISSIONS } from "@/lib/authz/catalogue";
import { can } from "@/lib/context/enterable";
import { placesUnder } from "@/lib/context/places";
import { requirePage } from "@/lib/context/server";
import { prisma } from "@/lib/db";
import { holdsInTenant } from "@/lib/machine/keys";
import { keyUsage, listMachineAccess, tenantRateLimit } from "@/lib/machine/service-accounts";
import { listWebhooks } from "@/lib/machine/webhooks";
import { assignableRoles } from "@/lib/members/admin";

export const metadata: Metadata = { title: "API access" };
export const dynamic = "force-dynamic";

/** Settings > API access: the tenant's service accounts, API keys and their usage (issue 13). */
export default async function ApiAccessPage({ params }: { params: Promise<{ nodeId: string }> }) {
  const { subject, node } = await requirePage((await params).nodeId, "settings.api");
  const db = await prisma();
  const [access, usage, rateLimit, roles, webhooks] = await Promise.all([listMachineAccess(db, node.tenantId), keyUsage(db, node.tenantId), tenantRateLimit(db, node.tenantId), db.$transaction((tx) => assignableRoles(tx, node.tenantId)), listWebhooks(db, node.tenantId)]);
  const serialize = <T,>(v: T) => JSON.parse(JSON.stringify(v));
  return (
    <div className="space-y-4">
      <h2 className="text-lg font-semibold">API access</h2>
      <p className="text-sm text-slate-600">
        Service accounts and API keys let other systems (phone systems, AI assistants, reporting tools, directory scripts) use the CareAccess API for{" "}
        <span className="font-medium text-slate-900">{node.tenantName}</span>. A key can only do what it was given, and never more than the person who made it can.{" "}
        <a href="/docs/api" className="font-medium text-blue-700 underline">API reference</a>
      </p>
      <ApiAccess
        key={node.tenantId}
        nodeId={node.id}
        view={serialize({ ...access, usage, rateLimitPerMinute: rateLimit, webhooks })}
        myPermissions={PERMISSIONS.filter((p) => holdsInTenant(subject, p, node.tenantId))}
        roles={roles.map((r) => ({ id: r.id, name: r.name }))}
        places={placesUnder(subject, node.tenantId).map((p) => ({ id: p.id, name: p.name }))}
        canCreate={can(subject, "api_keys.create", node.id)}
        canDelete={can(subject, "api_keys.delete", node.id)}
        canEditSettings={can(subject, "settings.edit", node.tenantId)}
      />
    </div>
  );
}
