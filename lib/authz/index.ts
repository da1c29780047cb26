/**
 * The policy module: every permission decision in CareAccess comes from here.
 * Pure and universal (no I/O); the loader in ./load.ts compiles subjects from the database.
 */
export * from "./catalogue";
export * from "./grants";
export * from "./roles";
export * from "./tree";
export * from "./subject";
export * from "./decide";
export * from "./explain";
export * from "./where";
export * from "./mask";
export * from "./rules";
export * from "./flags";
export * from "./emergency";
