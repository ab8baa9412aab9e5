import { createHash } from "node:crypto";

/**
 * A finding's identity across pushes: rule, path and the flagged source with whitespace
 * collapsed, plus which occurrence of that same source in the file it is. Never the line number,
 * which moves whenever lines are added above.
 */
export function fingerprint(ruleId: string, path: string, flaggedSource: string, occurrence: number): string {
  const normalised = flaggedSource.replace(/\s+/g, " ").trim();
  return createHash("sha256")
    .update([ruleId, path, normalised, String(occurrence)].join("\0"))
    .digest("hex")
    .slice(0, 16);
}
