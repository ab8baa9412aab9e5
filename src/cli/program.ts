import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { BASELINE_PATH, flaggedCode, formatBaseline, parseBaseline, type BaselineEntry } from "../baseline/baseline.js";
import { performance } from "node:perf_hooks";
import { describePolicy } from "../config/describe.js";
import { fails } from "../config/settings.js";
import type { FileAnalyser } from "../engine/file-analyser.js";
import { packageVersion } from "../package-root.js";
import { formatSarif } from "../report/sarif.js";
import { formatGithub, formatJson, formatNotes, formatSummary, formatText } from "../report/terminal.js";
import { sandboxSettingsFromEnv, type FileBudget } from "../sandbox/file-budget.js";
import { ProcessPoolAnalyser } from "../sandbox/process-pool-analyser.js";
import { check } from "./check.js";
import { UsageError } from "./files.js";
import { loadLocalPolicy } from "./policy.js";
import { Progress } from "./progress.js";
import { explainRule, formatEffectiveRules, formatRules } from "./rules-list.js";

/** Exit statuses: findings at the policy's `fail_on` (errors by default) fail the run, like a compiler's errors. */
const EXIT_OK = 0;
const EXIT_ERRORS_FOUND = 1;
const EXIT_USAGE = 2;

/** Where the CLI reads and writes: the process's own, or a test's. */
export interface CliIo {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Standard error is a terminal: a long run shows its progress there. */
  interactive: boolean;
  /** The analyser for a run: the app's process pool unless a test brings its own. */
  analyser?: (budget: FileBudget, processes: number | undefined) => FileAnalyser;
}

/** Runs the command line `argv` (without `node` and the script); resolves to the exit status. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let status = EXIT_OK;
  const program = new Command("otp-review")
    .description("Reviews Elixir code the way a senior OTP engineer would.")
    .version(packageVersion(), "-v, --version")
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: (message, write) => write(message) });

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
        const { budget, processes } = sandboxSettingsFromEnv(io.env);
        const fileBudget = { timeMs: options.fileTime ?? budget.timeMs, memoryMb: options.fileMemory ?? budget.memoryMb };
        const pool = analyserFor(io, fileBudget, processes);
        const progress = io.interactive && !options.quiet ? new Progress(io.stderr) : undefined;
        const analyser = progress ? progress.counting(pool) : pool;
        const started = performance.now();
        const {
          findings: all,
          notes,
          failOn,
          isConfident,
          root,
          files,
          rules,
          baselined,
        } = await check({
          paths,
          cwd: io.cwd,
          analyser,
          ...(io.env.OTP_REVIEW_DOCS_URL ? { docsBaseUrl: io.env.OTP_REVIEW_DOCS_URL } : {}),
          ...(options.diff === undefined ? {} : { diff: options.diff }),
          ...(options.config === undefined ? {} : { config: options.config }),
        }).finally(() => {
          progress?.stop();
          return analyser.close();
        });
        const findings = options.all ? all : all.filter(isConfident);
        // Text for people, relative to where they stand; JSON for tools, relative to the repository root, as the app reports.
        const here = (path: string) => relative(io.cwd, resolve(root, path)) || path;
        const report = {
          json: () => formatJson(findings, notes),
          sarif: () => formatSarif(findings, notes, rules, packageVersion()),
          github: () => formatGithub(findings),
          text: () => formatText(findings.map((f) => ({ ...f, path: here(f.path) }))),
        };
        io.stdout(report[options.format]());
        if (!options.quiet) {
          if (options.format === "text" || options.format === "github") io.stderr(formatNotes(notes.map((n) => (n.path ? { ...n, path: here(n.path) } : n))));
          io.stderr(formatSummary(files, findings, (performance.now() - started) / 1000, all.length - findings.length, baselined));
        }
        status = findings.some((f) => isConfident(f) && fails(f.severity, failOn)) ? EXIT_ERRORS_FOUND : EXIT_OK;
      },
    );

  program
    .command("baseline")
    .description(`write ${BASELINE_PATH}: every current finding, so a required check starts green on existing code and speaks again when that code changes`)
    .argument("[paths...]", "files and folders to analyse (the current directory if none are given)")
    .option("--config <file>", "the policy file (default: .github/otp-review.yml from the working directory upwards)")
    .option("--prune", "only drop the entries whose code is gone; add none")
    .action(async (paths: string[], options: { config?: string; prune?: boolean }) => {
      const { budget, processes } = sandboxSettingsFromEnv(io.env);
      const analyser = analyserFor(io, budget, processes);
      const result = await check({ paths, cwd: io.cwd, analyser, ignoreBaseline: true, ...(options.config === undefined ? {} : { config: options.config }) }).finally(() => analyser.close());
      const file = join(result.root, BASELINE_PATH);
      // Each file read once, however many findings it holds.
      const sources = new Map<string, string>();
      const sourceOf = (path: string) => sources.get(path) ?? sources.set(path, readFileSync(join(result.root, path), "utf8")).get(path)!;
      const current = result.findings.map((f): BaselineEntry => ({ fingerprint: f.fingerprint, rule: f.ruleId, path: f.path, code: flaggedCode(sourceOf(f.path), f) }));
      let entries = current;
      if (options.prune) {
        const existing = parseBaseline(readFileSync(file, "utf8"), BASELINE_PATH);
        if (!existing.ok) throw new UsageError(existing.message);
        // Entries of files outside this run are kept; those of deleted files, and code that is gone, are dropped.
        const analysed = new Set(result.paths);
        const found = new Set(current.map((e) => e.fingerprint));
        const outsideRun = (e: BaselineEntry) => !analysed.has(e.path) && existsSync(join(result.root, e.path));
        entries = existing.entries.filter((e) => outsideRun(e) || found.has(e.fingerprint));
        io.stderr(`otp-review: ${existing.entries.length - entries.length} entries whose code is gone dropped from ${BASELINE_PATH}; ${entries.length} remain\n`);
      } else {
        io.stderr(`otp-review: ${entries.length} findings written to ${BASELINE_PATH}; commit it to the default branch\n`);
      }
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, formatBaseline(entries));
    });

  program
    .command("config")
    .description("print the effective policy and where it came from")
    .option("--config <file>", "the policy file (default: .github/otp-review.yml from the working directory upwards)")
    .action(async (options: { config?: string }) => {
      const { policy, source, provenance } = await loadLocalPolicy(io.cwd, options.config);
      const settings = describePolicy(policy, provenance, ["rules"]);
      io.stdout(
        `# effective policy, from ${source}\n${settings}\n# rules: each rule's effective severity and options, and what set them\nrules:\n${indent(formatEffectiveRules(policy, provenance))}\n`,
      );
    });

  program
    .command("rules")
    .description("list every rule: id, default severity, what it flags, its options and their defaults")
    .action(() => io.stdout(formatRules()));

  program
    .command("explain")
    .description("print a rule's documentation: when it speaks, why, how to fix it, examples")
    .argument("<rule-id>", "the rule, as `otp-review rules` names it")
    .action((id: string) => io.stdout(explainRule(id)));

  try {
    await program.parseAsync([...argv], { from: "user" });
    return status;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    io.stderr(`otp-review: ${error instanceof Error ? error.message : String(error)}\n`);
    return error instanceof UsageError ? EXIT_USAGE : EXIT_USAGE + 1;
  }
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `  ${line}`)
    .join("\n");
}

function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) throw new InvalidArgumentError("expected a whole number above zero.");
  return number;
}

/** The analyser for one run: the test's own, or the app's process pool under the per-file budget. */
function analyserFor(io: CliIo, budget: FileBudget, processes: number | undefined): FileAnalyser {
  return io.analyser ? io.analyser(budget, processes) : new ProcessPoolAnalyser({ budget, ...(processes === undefined ? {} : { processes }) });
}
