import type { Finding, ReviewNote } from "../model.js";

/** `path:line:column: severity rule-id message`, one finding a line, as compilers print them; `(medium confidence)` where it applies. */
export function formatText(findings: readonly Finding[]): string {
  return findings.map((f) => `${f.path}:${f.line}:${f.column}: ${f.severity} ${f.ruleId}${f.confidence === "high" ? "" : ` (${f.confidence} confidence)`} ${f.message}\n`).join("");
}

/** Notes go to standard error: they are about the run, not the code. */
export function formatNotes(notes: readonly ReviewNote[]): string {
  return notes.map((n) => `otp-review: ${n.path ? `${n.path} ` : ""}${n.message}\n`).join("");
}

/** The machine-readable report: stable keys, 1-based lines, paths relative to the working directory. */
export function formatJson(findings: readonly Finding[], notes: readonly ReviewNote[]): string {
  const report = {
    findings: findings.map(({ ruleId, severity, confidence, path, line, column, endLine, endColumn, message }) => ({ ruleId, severity, confidence, path, line, column, endLine, endColumn, message })),
    notes,
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}
