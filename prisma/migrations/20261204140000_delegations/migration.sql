-- Delegation (issue 11, lib/access/delegations.ts): a person lends a subset of their own permissions
-- at a place to a colleague for a period, with a reason. What the delegate may do is decided at each
-- request as (this subset ∩ what the delegator holds there then), in the policy module.
CREATE TABLE "delegations" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "node_id" UUID NOT NULL,
    "delegator_id" UUID NOT NULL,
    "delegate_id" UUID NOT NULL,
    "permissions" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,
    "reason" TEXT NOT NULL,
    -- Ended early by the delegator (or an owner): grants nothing from this instant on.
    "ended_at" TIMESTAMPTZ(3),
    "ended_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "delegations_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "delegations_delegate_id_idx" ON "delegations"("delegate_id");
CREATE INDEX "delegations_delegator_id_idx" ON "delegations"("delegator_id");
CREATE INDEX "delegations_tenant_id_idx" ON "delegations"("tenant_id");
ALTER TABLE "delegations" ADD CONSTRAINT "delegations_node_id_fkey" FOREIGN KEY ("node_id") REFERENCES "org_nodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "delegations" ADD CONSTRAINT "delegations_delegator_id_fkey" FOREIGN KEY ("delegator_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "delegations" ADD CONSTRAINT "delegations_delegate_id_fkey" FOREIGN KEY ("delegate_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
