import type { Finding, PlacedFinding } from "../model.js";
import type { ChangedLines } from "./patch.js";

/**
 * Which findings a review may show. `added`: only on lines the change added; `diff_context`: on
 * any line of the diff; `file`: anywhere in a changed file (outside the diff in the check run only).
 */
export type Scope = "added" | "diff_context" | "file";

/** What the diff says of one file: its changed lines, or null when GitHub left its patch out. */
export type FileDiff = ChangedLines | null;

/**
 * Keeps the findings in scope and says where each may be shown. A line comment is only ever
 * placed on a commentable line: GitHub rejects the whole review (422) for one bad anchor.
 * Findings in files without a patch are kept for the check run: the change cannot be located.
 */
export function placeFindings(findings: readonly Finding[], diffs: ReadonlyMap<string, FileDiff>, scope: Scope): PlacedFinding[] {
  const placed: PlacedFinding[] = [];
  for (const finding of findings) {
    const diff = diffs.get(finding.path);
    if (diff === undefined) continue;
    if (diff === null) {
      placed.push({ ...finding, placement: "check-only" });
      continue;
    }
    const commentable = diff.commentable.has(finding.line);
    const inScope = scope === "file" || (scope === "diff_context" ? commentable : diff.added.has(finding.line));
    if (inScope) placed.push({ ...finding, placement: commentable ? "comment" : "check-only" });
  }
  return placed;
}
