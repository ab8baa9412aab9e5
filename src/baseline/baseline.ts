/**
 * The baseline: findings a team has decided to live with when it turns the check on, so that
 * yesterday's code does not block today's pull request. Each entry is a finding's fingerprint
 * (rule, path and flagged code with whitespace collapsed: stable when lines move or are
 * re-indented), with the rule, path and code for a reader. A baselined finding is reported again
 * only when its code changes, because then its fingerprint does.
 */
export const BASELINE_PATH = ".github/otp-review-baseline.json";

export interface BaselineEntry {
  fingerprint: string;
  rule: string;
  path: string;
  /** The flagged code, whitespace collapsed: what a reader recognises. */
  code: string;
}

/** The file's text: entries sorted by path, rule and fingerprint, so that regenerating it changes only what changed. */
export function formatBaseline(entries: readonly BaselineEntry[]): string {
  const sorted = [...new Map(entries.map((e) => [e.fingerprint, e])).values()].sort(
    (a, b) => a.path.localeCompare(b.path) || a.rule.localeCompare(b.rule) || a.fingerprint.localeCompare(b.fingerprint),
  );
  return `${JSON.stringify({ version: 1, findings: sorted }, null, 2)}\n`;
}

/** The fingerprints a baseline file holds; a file that is not a baseline is an error that says why. */
export function parseBaseline(text: string, source: string): { ok: true; entries: BaselineEntry[] } | { ok: false; message: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `${source} is not JSON: ${(error as Error).message}` };
  }
  const findings = (data as { version?: unknown; findings?: unknown } | null)?.findings;
  if ((data as { version?: unknown } | null)?.version !== 1 || !Array.isArray(findings))
    return { ok: false, message: `${source} is not an otp-review baseline (expected { "version": 1, "findings": [...] })` };
  const entries = findings.filter((f): f is BaselineEntry => typeof f?.fingerprint === "string" && typeof f.rule === "string" && typeof f.path === "string" && typeof f.code === "string");
  if (entries.length !== findings.length) return { ok: false, message: `${source}: ${findings.length - entries.length} entries lack a fingerprint, rule, path or code` };
  return { ok: true, entries };
}

/** The code a finding flags, from the file's text, whitespace collapsed. */
export function flaggedCode(source: string, finding: { line: number; column: number; endLine: number; endColumn: number }): string {
  const lines = source.split("\n").slice(finding.line - 1, finding.endLine);
  if (lines.length === 0) return "";
  lines[lines.length - 1] = lines.at(-1)!.slice(0, finding.endColumn - 1);
  lines[0] = lines[0]!.slice(finding.column - 1);
  return lines.join(" ").replace(/\s+/g, " ").trim();
}
