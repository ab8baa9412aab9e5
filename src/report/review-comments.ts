import { SEVERITIES, type PlacedFinding, type RuleInfo } from "../model.js";
import { IRON_LAW, SEVERITY_ICON } from "./iron-law.js";
import { fingerprintMarker } from "./marker.js";

/** One line comment, in the shape `pulls.createReview` takes. */
export interface ReviewComment {
  path: string;
  line: number;
  side: "RIGHT";
  body: string;
}

/**
 * Inline comments per review. Hundreds of comments make a pull request page time out and teach
 * people to ignore the bot; the rest of the findings live in the check run.
 */
export const MAX_INLINE_COMMENTS = 25;

/**
 * The comments for findings that may take one: the most severe first when there are more than
 * `max`, posted in source order. `omitted` counts the commentable findings left to the check run.
 */
export function reviewComments(
  findings: readonly PlacedFinding[],
  rules: ReadonlyMap<string, RuleInfo>,
  max = MAX_INLINE_COMMENTS,
): { comments: ReviewComment[]; commented: PlacedFinding[]; omitted: number } {
  const commentable = findings.filter((finding) => finding.placement === "comment");
  const chosen = new Set([...commentable].sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity)).slice(0, max));
  const commented = commentable.filter((finding) => chosen.has(finding));
  const comments = commented.map((finding): ReviewComment => ({ path: finding.path, line: finding.line, side: "RIGHT", body: commentBody(finding, rules.get(finding.ruleId)) }));
  return { comments, commented, omitted: commentable.length - comments.length };
}

/**
 * What a reader sees: the rule and severity, what to do, the principle, a collapsed "Why" with a
 * short fix example (so the comment stands on its own), the Iron Law, and the docs where hosted.
 */
export function commentBody(finding: PlacedFinding, rule: RuleInfo | undefined): string {
  const lines = [`${SEVERITY_ICON[finding.severity]} **${finding.severity}** · \`${finding.ruleId}\` — ${finding.message}`];
  if (rule) lines.push("", `> **${rule.guideSection}:** ${rule.principle}`);
  if (finding.suggestion !== undefined) lines.push("", suggestionBlock(finding.suggestion));
  if (rule) lines.push("", "<details><summary>Why</summary>", "", rule.why, "", "</details>");
  const docs = rule?.docsUrl ? ` · [Rule documentation](${rule.docsUrl})` : "";
  lines.push("", `Iron Law: **${IRON_LAW}**${docs}`, "", fingerprintMarker(finding.fingerprint));
  return lines.join("\n");
}

/** A GitHub suggestion block, fenced longer than any run of backticks in the code. */
export function suggestionBlock(code: string): string {
  const longest = Math.max(0, ...(code.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return `${fence}suggestion\n${code}\n${fence}`;
}

/**
 * The review's own body, in two or three lines: what was found, by severity, and what matters
 * most — the most severe finding, where it is and what to do. The details are in the comments.
 */
export function reviewBody(commented: readonly PlacedFinding[], omitted = 0): string {
  const counts = SEVERITIES.map((severity) => [severity, commented.filter((f) => f.severity === severity).length] as const).filter(([, n]) => n > 0);
  const things = commented.length === 1 ? "1 new finding" : `${commented.length} new findings`;
  const bySeverity = counts.map(([severity, n]) => `${n} ${severity}${n === 1 || severity === "info" ? "" : "s"}`).join(", ");
  const lines = [`**OTP Review**: ${things} on the lines this pull request changed (${bySeverity}).`];
  const first = [...commented].sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity))[0];
  if (first) lines.push(`Most important: \`${first.ruleId}\` at \`${first.path}:${first.line}\` — ${first.message}`);
  const rest = omitted > 0 ? `${omitted} more, less severe, are only in the check run, to keep this page readable. ` : "";
  lines.push(`${rest}The **OTP Review** check run lists every finding.`);
  return lines.join("\n\n");
}
