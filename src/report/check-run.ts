import type { PlacedFinding, ReviewNote, RuleInfo, Severity } from "../model.js";
import { SEVERITIES } from "../model.js";
import { truncateBytes } from "./bytes.js";
import { IRON_LAW } from "./iron-law.js";

export const CHECK_RUN_NAME = "OTP Review";

/** GitHub rejects a check run whose `output.summary` or `output.text` exceeds 65,535 (byte-like) characters. */
export const MAX_OUTPUT_BYTES = 65_535;

export type Conclusion = "success" | "failure" | "neutral" | "skipped";

export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: "failure" | "warning" | "notice";
  title: string;
  message: string;
}

export interface CheckRunOutput {
  conclusion: Conclusion;
  title: string;
  summary: string;
  text?: string;
  annotations: Annotation[];
  /** Buttons on the run (GitHub: label ≤ 20, description ≤ 40, identifier ≤ 20 characters). */
  actions?: CheckRunAction[];
}

export interface CheckRunAction {
  label: string;
  description: string;
  identifier: string;
}

/** Offered where a review could not finish: the cause (GitHub down, a timeout) is usually passing. */
export const RERUN_ACTION: CheckRunAction = { label: "Re-run review", description: "Review this commit again", identifier: "rerun" };

/** What a finished review hands the reporter. */
export interface ReviewOutcome {
  sha: string;
  /** Elixir files the change touched (not removed). */
  elixirFiles: number;
  findings: readonly PlacedFinding[];
  notes: readonly ReviewNote[];
  /** Whether a finding reaches the policy's `fail_on` severity. */
  failing: boolean;
  /** Where the policy came from, said in the summary. */
  policySource: string;
  /** The effective policy, as YAML with where each setting came from. */
  policyText: string;
  /** Findings in touched files that the repository's baseline holds: counted, not reported. */
  baselined?: number;
  /** Findings a person with write access accepted for this pull request: listed, never failing. */
  accepted?: ReadonlyArray<{ finding: PlacedFinding; by: string; reason: string }>;
}

const LEVEL: Record<Severity, Annotation["annotation_level"]> = { error: "failure", warning: "warning", info: "notice" };

/** The check run for a finished review: fails when a finding reaches the policy's `fail_on`. */
export function checkRunOutput(outcome: ReviewOutcome, rules: ReadonlyMap<string, RuleInfo>): CheckRunOutput {
  const shown = outcome.findings.filter((f) => f.placement !== "listed");
  const listed = outcome.findings.filter((f) => f.placement === "listed");
  const counts = countBySeverity(shown);
  const conclusion: Conclusion = outcome.failing ? "failure" : "success";
  const summary = [
    headline({ ...outcome, findings: shown }),
    findingsTable(shown, rules),
    listedSection(listed),
    acceptedSection(outcome.accepted ?? []),
    baselineLine(outcome.baselined ?? 0),
    notesSection(outcome.notes),
    footer(outcome),
    policySection(outcome),
  ]
    .filter(Boolean)
    .join("\n\n");
  return {
    conclusion,
    title: title({ ...outcome, findings: shown }, counts),
    summary: truncateBytes(summary, MAX_OUTPUT_BYTES, (n) => `… ${n} bytes of this summary were left out (GitHub's limit is ${MAX_OUTPUT_BYTES}).`),
    annotations: shown.map(annotation),
  };
}

/**
 * Findings whose evidence is below the policy's confidence threshold: what decides is not in the
 * changed files (who calls this, how often a table is written). Listed for a reader to judge; they
 * take no comment and fail nothing.
 */
function listedSection(listed: readonly PlacedFinding[]): string {
  if (listed.length === 0) return "";
  const lines = listed.map((f) => `- \`${f.path}:${f.line}\` · \`${f.ruleId}\` — ${f.message}`);
  const header = `<details><summary>${listed.length} lower-confidence ${listed.length === 1 ? "finding" : "findings"} (the evidence that decides is not in the changed code; not commented, never failing)</summary>`;
  return [header, "", ...lines, "", "</details>"].join("\n");
}

/** The check run for a review that could not finish: it still completes, and says why. */
export function failedCheckRunOutput(sha: string, reason: string): CheckRunOutput {
  const summary = `The review of ${sha.slice(0, 7)} could not finish: ${reason}\n\nNothing was judged, so this check neither passes nor fails the pull request. **Re-run review** tries again.`;
  return { conclusion: "neutral", title: "Review could not finish", summary: truncateBytes(summary, MAX_OUTPUT_BYTES, () => "…"), annotations: [], actions: [RERUN_ACTION] };
}

/** The check run when the policy file is broken: it fails and quotes every error, located. */
export function invalidPolicyOutput(errors: readonly { file: string; keyPath: string; line: number; message: string }[]): CheckRunOutput {
  const lines = errors.map((e) => `- \`${e.file}\` line ${e.line}${e.keyPath ? `, \`${e.keyPath}\`` : ""}: ${e.message}`);
  const summary = ["The policy file is invalid, so nothing was reviewed: a broken policy is not silently replaced by the defaults. Fix it on the default branch:", "", ...lines].join("\n");
  return { conclusion: "failure", title: "Invalid .github/otp-review.yml", summary: truncateBytes(summary, MAX_OUTPUT_BYTES, (n) => `… ${n} bytes left out.`), annotations: [] };
}

/** The check run of a pull request the policy leaves unreviewed (a draft, a skip label): skipped, with the reason and how to change it. */
export function skippedCheckRunOutput(sha: string, reason: string): CheckRunOutput {
  return { conclusion: "skipped", title: "Not reviewed", summary: `${sha.slice(0, 7)} was not reviewed: ${reason}`, annotations: [] };
}

/** The check run for a commit that is no longer the head: the newer commit gets its own review. */
export function supersededCheckRunOutput(sha: string, head: string): CheckRunOutput {
  const summary = `The pull request moved to ${head} while ${sha.slice(0, 7)} was being reviewed: nothing was posted for the older commit. The review of ${head.slice(0, 7)} runs on its own.`;
  return { conclusion: "neutral", title: `Superseded by ${head.slice(0, 7)}`, summary, annotations: [] };
}

function countBySeverity(findings: readonly PlacedFinding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const finding of findings) counts[finding.severity]++;
  return counts;
}

function title(outcome: ReviewOutcome, counts: Record<Severity, number>): string {
  if (outcome.elixirFiles === 0) return "No Elixir files changed";
  const total = outcome.findings.length;
  if (total === 0) return "No findings";
  const parts = SEVERITIES.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}${counts[s] === 1 ? "" : "s"}`);
  return `${total} ${total === 1 ? "finding" : "findings"}: ${parts.join(", ")}`;
}

function headline(outcome: ReviewOutcome): string {
  if (outcome.elixirFiles === 0) return "No Elixir files changed: nothing to review.";
  const files = `${outcome.elixirFiles} Elixir ${outcome.elixirFiles === 1 ? "file" : "files"}`;
  if (outcome.findings.length === 0) return `Reviewed ${files}: no findings on the lines this pull request changed.`;
  return `Reviewed ${files}. Findings on the lines this pull request changed:`;
}

function findingsTable(findings: readonly PlacedFinding[], rules: ReadonlyMap<string, RuleInfo>): string {
  if (findings.length === 0) return "";
  const rows = new Map<string, { severity: Severity; count: number }>();
  for (const f of findings) rows.set(f.ruleId, { severity: f.severity, count: (rows.get(f.ruleId)?.count ?? 0) + 1 });
  const sorted = [...rows].sort(([a, x], [b, y]) => SEVERITIES.indexOf(x.severity) - SEVERITIES.indexOf(y.severity) || a.localeCompare(b));
  const lines = sorted.map(([id, { severity, count }]) => {
    const rule = rules.get(id);
    const name = rule?.docsUrl ? `[\`${id}\`](${rule.docsUrl})` : `\`${id}\``;
    return `| ${name} | ${severity} | ${count} | ${rule?.summary ?? ""} |`;
  });
  const checkOnly = findings.filter((f) => f.placement === "check-only").length;
  const note =
    checkOnly > 0 ? `\n\n${checkOnly} of them could not take a line comment (the file's diff is too large for GitHub to show, or the line is outside the diff); they are listed as annotations.` : "";
  return ["| rule | severity | findings | what it flags |", "|---|---|---|---|", ...lines].join("\n") + note;
}

function baselineLine(baselined: number): string {
  if (baselined === 0) return "";
  return `${baselined} known finding${baselined === 1 ? "" : "s"} in touched files ${baselined === 1 ? "is" : "are"} in the baseline (\`.github/otp-review-baseline.json\`): not reported while ${baselined === 1 ? "its" : "their"} code is unchanged.`;
}

function acceptedSection(accepted: NonNullable<ReviewOutcome["accepted"]>): string {
  if (accepted.length === 0) return "";
  const lines = accepted.map(({ finding, by, reason }) => `- \`${finding.ruleId}\` at \`${finding.path}:${finding.line}\`, accepted by @${by}: ${reason}`);
  return [`**Accepted** (${accepted.length}): raised once, accepted in its thread, not counted against this pull request.`, ...lines].join("\n");
}

function notesSection(notes: readonly ReviewNote[]): string {
  if (notes.length === 0) return "";
  const lines = notes.map((n) => `- ${n.path ? `\`${n.path}\` ` : ""}${n.message}`);
  return ["**Not fully reviewed:**", ...lines].join("\n");
}

function footer(outcome: ReviewOutcome): string {
  return `Policy: ${outcome.policySource}. Every rule rests on the Iron Law of OTP thinking: **${IRON_LAW}**. Reviewed commit ${outcome.sha}.`;
}

function policySection(outcome: ReviewOutcome): string {
  return `<details><summary>Effective policy</summary>\n\n\`\`\`yaml\n${outcome.policyText}\n\`\`\`\n\n</details>`;
}

function annotation(finding: PlacedFinding): Annotation {
  const sameLine = finding.line === finding.endLine;
  return {
    path: finding.path,
    start_line: finding.line,
    end_line: sameLine ? finding.line : finding.endLine,
    ...(sameLine ? { start_column: finding.column, end_column: Math.max(finding.column, finding.endColumn - 1) } : {}),
    annotation_level: LEVEL[finding.severity],
    title: finding.ruleId,
    message: finding.message,
  };
}
