/**
 * The push side's flag mapping (lib/practice/em-push.ts): for every combination of legacy flags, the
 * permissions a migration gives, turned back into flags, get the old system's same answer for
 * every flag, so a role change round-trips without anyone gaining or losing access there.
 */
import { describe, expect, it } from "vitest";
import { backoffMs, flagsForPermissions } from "./em-push";
import { KNOWN_LEGACY_FLAGS, legacyAllows, targetPermissions } from "./migration";

describe("flagsForPermissions", () => {
  it("round-trips all 1,024 flag combinations", () => {
    let mismatches = 0;
    for (let n = 0; n < 1 << KNOWN_LEGACY_FLAGS.length; n++) {
      const flags = KNOWN_LEGACY_FLAGS.filter((_, i) => (n >> i) & 1);
      const back = flagsForPermissions(targetPermissions(flags));
      for (const f of KNOWN_LEGACY_FLAGS) if (legacyAllows(flags, f) !== legacyAllows(back, f)) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it("never makes someone a practice admin who lacks one of the flags", () => {
    const all = targetPermissions(["is_practice_admin"]);
    const missing = new Set([...all].filter((p) => p !== "payments.process"));
    expect(flagsForPermissions(missing)).not.toContain("is_practice_admin");
    expect(flagsForPermissions(missing)).not.toContain("can_process_payments");
    expect(flagsForPermissions(all)).toContain("is_practice_admin");
  });

  it("backs off 2 s, 4 s, 8 s … at most 5 minutes", () => {
    expect([1, 2, 3].map(backoffMs)).toEqual([2000, 4000, 8000]);
    expect(backoffMs(20)).toBe(300_000);
  });
});
