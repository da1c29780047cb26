-- Patient pages of a region or an enterprise (issue 15, bench section 5): each keyset index also
-- carries the other place column, so the page (tenant_id + node_id IN …, by last_name, id) is an
-- ordered index walk with the node filter checked in the index, and the capped count ("10,000+",
-- node_id IN … ordered by node_id, LIMIT 10,001) is an index-only scan.
DROP INDEX "patients_tenant_id_last_name_id_idx";
DROP INDEX "patients_node_id_last_name_id_idx";
CREATE INDEX "patients_tenant_id_last_name_id_node_id_idx" ON "patients"("tenant_id", "last_name", "id", "node_id");
CREATE INDEX "patients_node_id_last_name_id_tenant_id_idx" ON "patients"("node_id", "last_name", "id", "tenant_id");
