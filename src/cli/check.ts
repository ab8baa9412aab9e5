import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { BASELINE_PATH, parseBaseline } from "../baseline/baseline.js";
import { rules } from "../../rules/index.js";
import type { Finding, ReviewNote, RuleInfo } from "../model.js";
import { ruleInfo } from "../engine/rule.js";
import { analyseChanges, analyseFiles } from "../review/analyse-changes.js";
import type { ChangedFile } from "../review/platform.js";
import { reviewSettings, type FailOn, type ReviewSettings } from "../config/settings.js";
import type { FileAnalyser } from "../engine/file-analyser.js";
import { elixirFilesUnder, UsageError } from "./files.js";
import { repositoryRoot } from "./root.js";
import { patchesSince } from "./git.js";
import { loadLocalPolicy } from "./policy.js";

export interface CheckOptions {
  paths: readonly string[];
  /** The policy file; `.github/otp-review.yml` from the working directory upwards otherwise. */
  config?: string;
  /** Keep the findings on lines changed since this git revision, as the app keeps a PR's. */
  diff?: string;
  cwd: string;
  /** The app's analyser: a process pool with the per-file budget. */
  analyser: FileAnalyser;
  /** Where the team hosts the rule pages (`OTP_REVIEW_DOCS_URL`), for links in reports. */
  docsBaseUrl?: string;
  /** Report findings the baseline holds too (`--no-baseline`, and `otp-review baseline` itself). */
  ignoreBaseline?: boolean;
}

/** The local review: the same engine, policy and, with `diff`, the same scoping as the app. */
export interface CheckResult {
  findings: Finding[];
  notes: ReviewNote[];
  failOn: FailOn;
  /** Whether a finding reaches the policy's confidence threshold (the others show with `--all`). */
  isConfident: ReviewSettings["isConfident"];
  /** The repository root: findings' paths are relative to it, as the app's are. */
  root: string;
  /** Elixir files analysed (after the policy's `paths`, and with `diff`, the changed ones). */
  files: number;
  /** The rules that ran, with the policy's severities: for reports that describe them (SARIF). */
  rules: RuleInfo[];
  /** Findings left out because `.github/otp-review-baseline.json` holds them. */
  baselined: number;
  /** The files analysed, relative to the root. */
  paths: string[];
}

export async function check(options: CheckOptions): Promise<CheckResult> {
  const root = await repositoryRoot(options.cwd, options.config);
  const { policy } = await loadLocalPolicy(options.cwd, options.config);
  const settings = reviewSettings(rules, policy);
  const named = await elixirFilesUnder(options.paths, options.cwd, root);
  if (named.length === 0) throw new UsageError(`no Elixir files (.ex, .exs) in ${options.paths.length > 0 ? options.paths.join(", ") : "the current directory"}`);
  const files = named.filter((path) => settings.includes(path));
  const reader = { readFile: (path: string) => readFile(resolve(root, path), "utf8") };
  const results = { root, failOn: settings.failOn, isConfident: settings.isConfident, rules: settings.rules.map((rule) => ruleInfo(rule.meta, options.docsBaseUrl)) };
  const known = options.ignoreBaseline ? new Set<string>() : await baselineAt(root);
  const withoutKnown = (findings: Finding[]) => ({ findings: findings.filter((f) => !known.has(f.fingerprint)), baselined: findings.filter((f) => known.has(f.fingerprint)).length });
  if (options.diff === undefined) {
    const { findings, notes } = await analyseFiles(reader, files, settings, options.analyser);
    return { ...withoutKnown(findings), notes, files: files.length, paths: files, ...results };
  }

  const patches = await patchesSince(options.diff, options.cwd);
  const selected = new Set(files);
  const changed = [...patches].filter(([path]) => selected.has(path)).map(([path, patch]): ChangedFile => ({ path, status: "modified", patch }));
  const { findings, notes } = await analyseChanges(changed, reader, settings, options.analyser);
  return { ...withoutKnown(findings), notes, files: changed.length, paths: changed.map((f) => f.path), ...results };
}

/** The fingerprints in the repository's baseline, if it has one; a broken baseline is a usage error. */
async function baselineAt(root: string): Promise<Set<string>> {
  const text = await readFile(join(root, BASELINE_PATH), "utf8").catch(() => null);
  if (text === null) return new Set();
  const parsed = parseBaseline(text, BASELINE_PATH);
  if (!parsed.ok) throw new UsageError(parsed.message);
  return new Set(parsed.entries.map((e) => e.fingerprint));
}
