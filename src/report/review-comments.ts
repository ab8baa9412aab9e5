import type { PlacedFinding, RuleInfo } from "../model.js";
import { IRON_LAW, SEVERITY_ICON } from "./iron-law.js";
import { fingerprintMarker } from "./marker.js";

/** One line comment, in the shape `pulls.createReview` takes. */
export interface ReviewComment {
  path: string;
  line: number;
  side: "RIGHT";
  body: string;
}

/** The comments for findings that may take one, in source order. */
export function reviewComments(findings: readonly PlacedFinding[], rules: ReadonlyMap<string, RuleInfo>): ReviewComment[] {
  return findings
    .filter((finding) => finding.placement === "comment")
    .map((finding) => ({ path: finding.path, line: finding.line, side: "RIGHT", body: commentBody(finding, rules.get(finding.ruleId)) }));
}

/** What a reader sees: the rule and severity, what to do, the principle, the Iron Law, the docs. */
export function commentBody(finding: PlacedFinding, rule: RuleInfo | undefined): string {
  const lines = [`${SEVERITY_ICON[finding.severity]} **${finding.severity}** · \`${finding.ruleId}\` — ${finding.message}`];
  if (rule) lines.push("", `> **${rule.guideSection}:** ${rule.principle}`);
  const docs = rule ? ` · [Rule documentation](${rule.docsUrl})` : "";
  lines.push("", `Iron Law: **${IRON_LAW}**${docs}`, "", fingerprintMarker(finding.fingerprint));
  return lines.join("\n");
}

/** The review's own body: one line; the details live in the line comments and the check run. */
export function reviewBody(newComments: number): string {
  const things = newComments === 1 ? "1 new finding" : `${newComments} new findings`;
  return `**OTP Review**: ${things} on the lines this pull request changed. The **OTP Review** check run lists every finding.`;
}
