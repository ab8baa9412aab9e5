#!/usr/bin/env node
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { check } from "../cli/check.js";
import { fails } from "../config/settings.js";
import { packageVersion } from "../package-root.js";
import { formatGithub, formatSummary } from "../report/terminal.js";
import { formatSarif } from "../report/sarif.js";
import { sandboxSettingsFromEnv } from "../sandbox/file-budget.js";
import { ProcessPoolAnalyser } from "../sandbox/process-pool-analyser.js";

/**
 * The GitHub Action's entry point, for teams that cannot install the app: the same engine and
 * policy as the CLI, on the lines the pull request changed (against its base commit), reported
 * as workflow-command annotations or as a SARIF file for code scanning, failing per `fail_on`.
 * It reads what Actions gives every step: GITHUB_WORKSPACE, GITHUB_EVENT_PATH, GITHUB_OUTPUT,
 * GITHUB_STEP_SUMMARY, and the inputs as INPUT_* variables.
 */
const env = process.env;
/** An input as Actions passes it (`INPUT_SARIF-FILE`), or as a shell can (`INPUT_SARIF_FILE`). */
const input = (name: string, fallback: string) => (env[`INPUT_${name.toUpperCase()}`] ?? env[`INPUT_${name.toUpperCase().replaceAll("-", "_")}`])?.trim() || fallback;

async function main(): Promise<number> {
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  const report = input("report", "annotations");
  if (report !== "annotations" && report !== "sarif") throw new Error(`input report: expected annotations or sarif, not "${report}"`);
  const base = baseCommit(env.GITHUB_EVENT_PATH);
  const { budget, processes } = sandboxSettingsFromEnv(env);
  const analyser = new ProcessPoolAnalyser({ budget, ...(processes === undefined ? {} : { processes }) });
  const started = performance.now();
  const result = await check({
    paths: [input("path", ".")],
    cwd: workspace,
    analyser,
    ...(base ? { diff: base } : {}),
    ...(env.OTP_REVIEW_DOCS_URL ? { docsBaseUrl: env.OTP_REVIEW_DOCS_URL } : {}),
  }).finally(() => analyser.close());
  const shown = result.findings.filter(result.isConfident);
  if (report === "sarif") {
    const file = resolve(workspace, input("sarif-file", "otp-review.sarif"));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, formatSarif(shown, result.notes, result.rules, packageVersion()));
    if (env.GITHUB_OUTPUT) appendFileSync(env.GITHUB_OUTPUT, `sarif-file=${file}\n`);
  } else {
    process.stdout.write(formatGithub(shown));
  }
  for (const note of result.notes) process.stdout.write(`::warning${note.path ? ` file=${note.path}` : ""}::${note.message}\n`);
  const summary = formatSummary(result.files, shown, (performance.now() - started) / 1000, result.findings.length - shown.length, result.baselined);
  process.stdout.write(summary);
  if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, `### OTP Review\n\n${summary.replace(/^otp-review: /, "")}${base ? `\nLines changed since \`${base.slice(0, 7)}\`.\n` : ""}`);
  const failing = shown.some((f) => fails(f.severity, result.failOn));
  if (env.GITHUB_OUTPUT) appendFileSync(env.GITHUB_OUTPUT, `findings=${shown.length}\nfailed=${failing}\n`);
  return failing ? 1 : 0;
}

/** A pull request's base commit, so only the lines it changed are judged; none for other events (the whole tree is). */
function baseCommit(eventPath: string | undefined): string | undefined {
  if (!eventPath) return undefined;
  const event = JSON.parse(readFileSync(eventPath, "utf8")) as { pull_request?: { base?: { sha?: string } } };
  return event.pull_request?.base?.sha;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stdout.write(`::error::otp-review: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
