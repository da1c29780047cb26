"use server";

import { action } from "@/lib/api/handler";
import { emSyncRetrySpec, emSyncStatusSpec, emSyncToggleSpec, migrationSpec, rollbackSpec } from "./em-sync-api";

/** Practice settings → Practice system (issue 14): the same specs as the REST routes. */
export const migrationAction = action(migrationSpec);
export const rollbackMigrationAction = action(rollbackSpec);
export const emSyncToggleAction = action(emSyncToggleSpec);
export const emSyncStatusAction = action(emSyncStatusSpec);
export const emSyncRetryAction = action(emSyncRetrySpec);
