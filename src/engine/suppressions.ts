import type { Finding } from "../model.js";
import { compileQuery, type SyntaxNode } from "./parser.js";

/**
 * `# otp-review:disable-next-line [rule-id, …]`, `# otp-review:disable-line [rule-id, …]` (trailing)
 * and `# otp-review:disable-file [rule-id, …]`; no ids means every rule. Text after `--` is the
 * reason, for the reader.
 */
export type SuppressionKind = "disable-next-line" | "disable-line" | "disable-file";

export interface Suppression {
  kind: SuppressionKind;
  /** Empty: every rule. */
  ruleIds: string[];
  /** The 1-based line of the comment. */
  line: number;
}

const DIRECTIVE = /^#\s*otp-review:(disable-next-line|disable-line|disable-file)(?:\s+(.*))?$/;

export const COMMENT_QUERY = "(comment) @report";

/** The directive in one comment, or null when the comment holds none. */
export function parseSuppression(comment: SyntaxNode): Suppression | null {
  const match = DIRECTIVE.exec(comment.text.trim());
  if (!match) return null;
  const ids = (match[2] ?? "")
    .split("--")[0]!
    .split(/[\s,]+/)
    .filter(Boolean);
  return { kind: match[1] as SuppressionKind, ruleIds: ids, line: comment.startPosition.row + 1 };
}

export function suppressionsIn(root: SyntaxNode, source: string): Suppression[] {
  if (!source.includes("otp-review:")) return []; // most files have none: skip the walk
  return compileQuery(COMMENT_QUERY)
    .captures(root)
    .flatMap(({ node }) => parseSuppression(node) ?? []);
}

/** True when a suppression covers the finding's rule on the finding's first line. */
export function isSuppressed(finding: Pick<Finding, "ruleId" | "line">, suppressions: readonly Suppression[]): boolean {
  return suppressions.some((s) => (s.ruleIds.length === 0 || s.ruleIds.includes(finding.ruleId)) && coveredLine(s, finding.line));
}

function coveredLine(s: Suppression, line: number): boolean {
  if (s.kind === "disable-file") return true;
  return s.kind === "disable-line" ? s.line === line : s.line + 1 === line;
}
