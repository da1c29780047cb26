"use server";

import { action } from "@/lib/api/handler";
import {
  emSyncNodeSchema,
  emSyncRetryHandler,
  emSyncStatusHandler,
  emSyncToggleHandler,
  emSyncToggleSchema,
  migrationHandler,
  migrationInput,
  practiceRef,
  rollbackHandler,
  rollbackInput,
} from "./em-sync-api";

/** Practice settings → Practice system (issue 14): the REST routes' inputs and handlers, with the same access. */
export const migrationAction = action({ access: { permission: "settings.edit", resource: practiceRef }, input: migrationInput, transaction: false, handler: migrationHandler });
export const rollbackMigrationAction = action({ access: { permission: "settings.edit", resource: practiceRef }, input: rollbackInput, handler: rollbackHandler });
export const emSyncToggleAction = action({ access: { permission: "settings.edit", resource: practiceRef }, input: emSyncToggleSchema, transaction: false, handler: emSyncToggleHandler });
export const emSyncStatusAction = action({ access: { permission: "settings.edit", resource: practiceRef }, input: emSyncNodeSchema, handler: emSyncStatusHandler });
export const emSyncRetryAction = action({ access: { permission: "settings.edit", resource: practiceRef }, input: emSyncNodeSchema, handler: emSyncRetryHandler });
