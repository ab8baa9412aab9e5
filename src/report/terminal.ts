import type { Finding, ReviewNote } from "../model.js";

/** `path:line:column: severity rule-id message`, one finding a line, as compilers print them; `(medium confidence)` where it applies. */
export function formatText(findings: readonly Finding[]): string {
  return findings.map((f) => `${f.path}:${f.line}:${f.column}: ${f.severity} ${f.ruleId}${f.confidence === "high" ? "" : ` (${f.confidence} confidence)`} ${f.message}\n`).join("");
}

/** Notes go to standard error: they are about the run, not the code. */
export function formatNotes(notes: readonly ReviewNote[]): string {
  return notes.map((n) => `otp-review: ${n.path ? `${n.path} ` : ""}${n.message}\n`).join("");
}

/**
 * One line on standard error after a run, as Credo and ESLint end theirs: how much was read and
 * what is shown — counted as printed, so the line agrees with the output and with the app's check
 * run — and what was left out, so an empty result is visibly an empty result.
 */
export function formatSummary(files: number, shown: readonly Finding[], seconds: number, hidden = 0, baselined = 0): string {
  const counts = (["error", "warning", "info"] as const).map((severity) => [severity, shown.filter((f) => f.severity === severity).length] as const).filter(([, n]) => n > 0);
  const found =
    counts.length === 0
      ? "no findings"
      : `${shown.length} finding${shown.length === 1 ? "" : "s"}: ${counts.map(([severity, n]) => `${n} ${severity}${n === 1 || severity === "info" ? "" : "s"}`).join(", ")}`;
  const below = hidden > 0 ? `; ${hidden} more below the confidence threshold, not shown (--all shows them)` : "";
  const known = baselined > 0 ? `; ${baselined} more in the baseline, not shown` : "";
  return `otp-review: ${files} Elixir file${files === 1 ? "" : "s"} analysed in ${seconds.toFixed(1)} s, ${found}${below}${known}\n`;
}

/** The machine-readable report: stable keys, 1-based lines, paths relative to the repository root (the app's paths). */
export function formatJson(findings: readonly Finding[], notes: readonly ReviewNote[]): string {
  const report = {
    findings: findings.map(({ ruleId, severity, confidence, path, line, column, endLine, endColumn, message }) => ({ ruleId, severity, confidence, path, line, column, endLine, endColumn, message })),
    notes,
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}

const WORKFLOW_LEVEL = { error: "error", warning: "warning", info: "notice" } as const;

/**
 * GitHub Actions workflow commands (`::error file=…,line=…::message`): each finding becomes an
 * annotation on the pull request's diff, with paths relative to the repository root as Actions
 * expects them. Values are escaped as the runner requires.
 */
export function formatGithub(findings: readonly Finding[]): string {
  const data = (text: string) => text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
  const property = (text: string) => data(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
  return findings
    .map(
      (f) =>
        `::${WORKFLOW_LEVEL[f.severity]} file=${property(f.path)},line=${f.line},col=${f.column},endLine=${f.endLine},endColumn=${f.endColumn},title=${property(`otp-review ${f.ruleId}`)}::${data(f.message)}\n`,
    )
    .join("");
}
