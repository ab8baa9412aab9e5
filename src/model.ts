/**
 * The plain data that finding, diff-filtering and reporting share. None of those modules imports
 * another; they meet only here (as reviewdog's parsers, filters and reporters meet on one type).
 */

export type Severity = "error" | "warning" | "info";

export const SEVERITIES: readonly Severity[] = ["error", "warning", "info"];

/**
 * How strong a finding's evidence is. `high`: evidence one can point at in the file (an atom made
 * from `params`). `medium`: what decides is not in the file (who calls this, how often a table is
 * written). By default only high-confidence findings become comments and can fail the check.
 */
export type Confidence = "high" | "medium";

/** What a reader of a finding needs to know about the rule behind it. */
export interface RuleInfo {
  id: string;
  severity: Severity;
  /** One line: what the rule flags. */
  summary: string;
  /** The section of the guide (`otp-thinking.md`) the rule rests on. */
  guideSection: string;
  /** The guide's own words for the principle. */
  principle: string;
  /** Why the rule speaks, and a short fix: the first paragraph of its explanation and its first example. */
  why: string;
  /** The rule's page, where the team hosts the docs (`OTP_REVIEW_DOCS_URL`); none when unset. */
  docsUrl?: string;
}

/** One thing a rule found in one file. Positions are 1-based; `endColumn` is exclusive. */
export interface Finding {
  ruleId: string;
  severity: Severity;
  path: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** Short: what is wrong and what to do instead. */
  message: string;
  confidence: Confidence;
  /** The whole line `line` as the fix would leave it, when the fix is mechanical and certain. */
  suggestion?: string;
  /** Stable across pushes: rule, path and the normalised flagged source, never the line. */
  fingerprint: string;
}

/**
 * Where a finding may be shown. `comment`: on a line a PR comment can anchor to;
 * `check-only`: in the check run only, as an annotation (a line outside the comment scope, or a
 * file GitHub gave no patch for); `listed`: below the policy's confidence threshold, so only
 * listed in the check run's text, never failing it. Findings outside the review's scope are
 * dropped before this.
 */
export type Placement = "comment" | "check-only" | "listed";

export interface PlacedFinding extends Finding {
  placement: Placement;
}

/** Something the review could not do, said in the check run instead of lost. */
export interface ReviewNote {
  path?: string;
  ruleId?: string;
  message: string;
}
