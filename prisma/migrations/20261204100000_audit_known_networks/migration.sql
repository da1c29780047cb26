-- Issue 9: the network ranges (IPv4 /24, IPv6 /48) each person has signed in from, per tenant,
-- so a sign-in from a range never seen before raises the new_network alert (lib/audit/networks.ts).
CREATE TABLE "audit_known_networks" (
    "tenant_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "network" TEXT NOT NULL,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "audit_known_networks_pkey" PRIMARY KEY ("tenant_id", "user_id", "network")
);
