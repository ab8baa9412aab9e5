#!/usr/bin/env node
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { formatJson, formatNotes, formatText } from "../report/terminal.js";
import { describePolicy } from "../config/describe.js";
import { fails } from "../config/settings.js";
import { sandboxSettingsFromEnv } from "../sandbox/file-budget.js";
import { ProcessPoolAnalyser } from "../sandbox/process-pool-analyser.js";
import { check } from "./check.js";
import { UsageError } from "./files.js";
import { loadLocalPolicy } from "./policy.js";

/** Exit statuses: findings at the policy's `fail_on` (errors by default) fail the run, like a compiler's errors. */
const EXIT_OK = 0;
const EXIT_ERRORS_FOUND = 1;
const EXIT_USAGE = 2;

const program = new Command("otp-review")
  .description("Reviews Elixir code the way a senior OTP engineer would.")
  .exitOverride()
  .configureOutput({ outputError: (message, write) => write(message) });

program
  .command("check")
  .description("analyse .ex/.exs files and folders (the current directory if none are given)")
  .argument("[paths...]", "files and folders to analyse")
  .option("--diff <git-ref>", "only report findings on lines changed since this git revision, as the app scopes a pull request")
  .option("--config <file>", "the policy file (default: .github/otp-review.yml from the working directory upwards)")
  .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
  .option("--all", "also show findings below the policy's confidence threshold (medium confidence by default); they never fail the run")
  .option("--file-time <ms>", "skip a file whose analysis takes more CPU time (default: OTP_REVIEW_FILE_TIME_MS or 5000)", positiveInteger)
  .option("--file-memory <mb>", "skip a file whose analysis needs more memory (default: OTP_REVIEW_FILE_MEMORY_MB or 512)", positiveInteger)
  .action(async (paths: string[], options: { diff?: string; config?: string; format: "text" | "json"; all?: boolean; fileTime?: number; fileMemory?: number }) => {
    const { budget, processes } = sandboxSettingsFromEnv(process.env);
    const analyser = new ProcessPoolAnalyser({ budget: { timeMs: options.fileTime ?? budget.timeMs, memoryMb: options.fileMemory ?? budget.memoryMb }, ...(processes === undefined ? {} : { processes }) });
    const { findings: all, notes, failOn, isConfident } = await check({
      paths,
      cwd: process.cwd(),
      analyser,
      ...(options.diff === undefined ? {} : { diff: options.diff }),
      ...(options.config === undefined ? {} : { config: options.config }),
    }).finally(() => analyser.close());
    const findings = options.all ? all : all.filter(isConfident);
    process.stdout.write(options.format === "json" ? formatJson(findings, notes) : formatText(findings));
    if (options.format === "text") process.stderr.write(formatNotes(notes));
    process.exitCode = findings.some((f) => isConfident(f) && fails(f.severity, failOn)) ? EXIT_ERRORS_FOUND : EXIT_OK;
  });

program
  .command("config")
  .description("print the effective policy and where it came from")
  .option("--config <file>", "the policy file (default: .github/otp-review.yml from the working directory upwards)")
  .action(async (options: { config?: string }) => {
    const { policy, source, provenance } = await loadLocalPolicy(process.cwd(), options.config);
    process.stdout.write(`# effective policy, from ${source}\n${describePolicy(policy, provenance)}\n`);
  });

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
