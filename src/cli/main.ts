#!/usr/bin/env node
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { formatGithub, formatJson, formatNotes, formatSummary, formatText } from "../report/terminal.js";
import { packageRoot } from "../package-root.js";
import { formatSarif } from "../report/sarif.js";
import { describePolicy } from "../config/describe.js";
import { fails } from "../config/settings.js";
import { sandboxSettingsFromEnv } from "../sandbox/file-budget.js";
import { ProcessPoolAnalyser } from "../sandbox/process-pool-analyser.js";
import { check } from "./check.js";
import { UsageError } from "./files.js";
import { loadLocalPolicy } from "./policy.js";
import { explainRule, formatEffectiveRules, formatRules } from "./rules-list.js";

/** Exit statuses: findings at the policy's `fail_on` (errors by default) fail the run, like a compiler's errors. */
const EXIT_OK = 0;
const EXIT_ERRORS_FOUND = 1;
const EXIT_USAGE = 2;

const program = new Command("otp-review")
  .description("Reviews Elixir code the way a senior OTP engineer would.")
  .version(packageVersion(), "-v, --version")
  .exitOverride()
  .configureOutput({ outputError: (message, write) => write(message) });

program
  .command("check")
  .description("analyse .ex/.exs files and folders (the current directory if none are given)")
  .argument("[paths...]", "files and folders to analyse")
  .option("--diff <git-ref>", "only report findings on lines changed since this git revision, as the app scopes a pull request")
  .option("--config <file>", "the policy file (default: .github/otp-review.yml from the working directory upwards)")
  .addOption(
    new Option("--format <format>", "output format: text, json, sarif (SARIF 2.1.0, for code scanning), or github (workflow commands that annotate a pull request in GitHub Actions)")
      .choices(["text", "json", "sarif", "github"])
      .default("text"),
  )
  .option("--all", "also show findings below the policy's confidence threshold (medium confidence by default); they never fail the run")
  .option("--file-time <ms>", "skip a file whose analysis takes more CPU time (default: OTP_REVIEW_FILE_TIME_MS or 5000)", positiveInteger)
  .option("--file-memory <mb>", "skip a file whose analysis needs more memory (default: OTP_REVIEW_FILE_MEMORY_MB or 512)", positiveInteger)
  .option("-q, --quiet", "print the findings only: no summary line, no notes")
  .action(
    async (paths: string[], options: { diff?: string; config?: string; format: "text" | "json" | "sarif" | "github"; all?: boolean; fileTime?: number; fileMemory?: number; quiet?: boolean }) => {
      const { budget, processes } = sandboxSettingsFromEnv(process.env);
      const analyser = new ProcessPoolAnalyser({
        budget: { timeMs: options.fileTime ?? budget.timeMs, memoryMb: options.fileMemory ?? budget.memoryMb },
        ...(processes === undefined ? {} : { processes }),
      });
      const started = performance.now();
      const {
        findings: all,
        notes,
        failOn,
        isConfident,
        root,
        files,
        rules,
      } = await check({
        paths,
        cwd: process.cwd(),
        analyser,
        ...(process.env.OTP_REVIEW_DOCS_URL ? { docsBaseUrl: process.env.OTP_REVIEW_DOCS_URL } : {}),
        ...(options.diff === undefined ? {} : { diff: options.diff }),
        ...(options.config === undefined ? {} : { config: options.config }),
      }).finally(() => analyser.close());
      const findings = options.all ? all : all.filter(isConfident);
      // Text for people, relative to where they stand; JSON for tools, relative to the repository root, as the app reports.
      const here = (path: string) => relative(process.cwd(), resolve(root, path)) || path;
      const report = {
        json: () => formatJson(findings, notes),
        sarif: () => formatSarif(findings, notes, rules, packageVersion()),
        github: () => formatGithub(findings),
        text: () => formatText(findings.map((f) => ({ ...f, path: here(f.path) }))),
      };
      process.stdout.write(report[options.format]());
      if (!options.quiet) {
        if (options.format === "text" || options.format === "github") process.stderr.write(formatNotes(notes.map((n) => (n.path ? { ...n, path: here(n.path) } : n))));
        process.stderr.write(formatSummary(files, all, findings.length, (performance.now() - started) / 1000));
      }
      process.exitCode = findings.some((f) => isConfident(f) && fails(f.severity, failOn)) ? EXIT_ERRORS_FOUND : EXIT_OK;
    },
  );

program
  .command("config")
  .description("print the effective policy and where it came from")
  .option("--config <file>", "the policy file (default: .github/otp-review.yml from the working directory upwards)")
  .action(async (options: { config?: string }) => {
    const { policy, source, provenance } = await loadLocalPolicy(process.cwd(), options.config);
    const settings = describePolicy(policy, provenance, ["rules"]);
    process.stdout.write(
      `# effective policy, from ${source}\n${settings}\n# rules: each rule's effective severity and options, and what set them\nrules:\n${indent(formatEffectiveRules(policy, provenance))}\n`,
    );
  });

program
  .command("rules")
  .description("list every rule: id, default severity, what it flags, its options and their defaults")
  .action(() => void process.stdout.write(formatRules()));

program
  .command("explain")
  .description("print a rule's documentation: when it speaks, why, how to fix it, examples")
  .argument("<rule-id>", "the rule, as `otp-review rules` names it")
  .action((id: string) => void process.stdout.write(explainRule(id)));

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `  ${line}`)
    .join("\n");
}

function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version: string }).version;
}

function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) throw new InvalidArgumentError("expected a whole number above zero.");
  return number;
}

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  } else if (error instanceof UsageError) {
    process.stderr.write(`otp-review: ${error.message}\n`);
    process.exitCode = EXIT_USAGE;
  } else {
    process.stderr.write(`otp-review: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = EXIT_USAGE + 1;
  }
});
