import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { manyCaseBlocks } from "../helpers/crafted-elixir.js";
import { runInProcess } from "../helpers/cli.js";
import { runBuilt } from "../helpers/run.js";

let dir: string;

function write(path: string, content: string): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), content);
}

function git(...args: string[]): void {
  execFileSync("git", ["-c", "user.email=dev@example.com", "-c", "user.name=Dev", "-c", "commit.gpgsign=false", ...args], { cwd: dir, stdio: "ignore" });
}

/** The CLI in this process; the tests marked "the built binary" run `dist/src/cli/main.js` as npm's shim does. */
const check = (...args: string[]) => runInProcess(["check", ...args], dir);

const CLUSTER = "defmodule Shop.Cluster do\n  def join(group), do: :pg2.join(group, self())\nend\n";
const DASHBOARD = "defmodule Shop.Dashboard do\n  def load(c), do: (Task.async(fn -> c end); :ok)\nend\n";

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "otp-review-cli-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

// These run the built CLI as a user does, in a process each: no default 5 s timeout on a busy machine.
describe("otp-review check", { timeout: 60_000 }, () => {
  it("the built binary: prints compiler-style lines and exits 1 when a finding is an error", () => {
    write("lib/shop/cluster.ex", CLUSTER);
    write("lib/shop/dashboard.ex", DASHBOARD);

    const ran = runBuilt("cli/main.js", ["check"], dir);

    expect(ran.status).toBe(1);
    expect(ran.stdout.trimEnd().split("\n")).toEqual([
      expect.stringMatching(/^lib\/shop\/cluster\.ex:2:24: error pg2-removed `:pg2\.join` was removed in OTP 24/),
      expect.stringMatching(/^lib\/shop\/dashboard\.ex:2:21: warning task-async-unsupervised This task is never awaited/),
    ]);
  });

  it("writes JSON with paths relative to the repository root, and exits 0 on warnings only", async () => {
    write("lib/shop/dashboard.ex", DASHBOARD);

    const ran = await check("--format", "json", join(dir, "lib"));

    expect(ran.status).toBe(0);
    expect(JSON.parse(ran.stdout)).toEqual({
      findings: [
        { ruleId: "task-async-unsupervised", severity: "warning", confidence: "high", path: "lib/shop/dashboard.ex", line: 2, column: 21, endLine: 2, endColumn: 44, message: expect.any(String) },
      ],
      notes: [],
    });
  });

  it("shows medium-confidence findings only with --all, marked as such, and never fails on them", async () => {
    write("lib/shop/saved.ex", "defmodule Shop.Saved do\n  def restore(saved), do: Map.new(saved, fn {k, v} -> {String.to_atom(k), v} end)\nend\n");
    write(".github/otp-review.yml", "rules:\n  dynamic-atom: error\n");

    const quiet = await check();
    const all = await check("--all");
    const json = await check("--all", "--format", "json");

    expect(quiet).toMatchObject({ status: 0, stdout: "" });
    expect(all.status).toBe(0);
    expect(all.stdout).toMatch(/^lib\/shop\/saved\.ex:2:56: error dynamic-atom \(medium confidence\) /);
    expect(JSON.parse(json.stdout).findings).toEqual([expect.objectContaining({ ruleId: "dynamic-atom", confidence: "medium" })]);
  });

  it("leaves dependencies and build output alone", async () => {
    write("deps/old_lib/lib/cluster.ex", CLUSTER);
    write("_build/dev/lib/x.ex", CLUSTER);
    write("lib/ok.ex", "defmodule Ok do\nend\n");

    const ran = await check();

    expect(ran).toMatchObject({ status: 0, stdout: "" });
  });

  it("with --diff, reports only the lines changed since the revision, as the app scopes a pull request", async () => {
    write("lib/shop/cluster.ex", CLUSTER);
    git("init", "-q");
    git("add", ".");
    git("commit", "-qm", "base");
    write("lib/shop/cluster.ex", CLUSTER.replace("end\n", "  def leave(group), do: :pg2.leave(group, self())\nend\n"));
    write("lib/shop/dashboard.ex", DASHBOARD);
    git("add", "lib/shop/dashboard.ex");

    const ran = await check("--diff", "HEAD", "--format", "json");

    expect(ran.status).toBe(1);
    expect(JSON.parse(ran.stdout).findings.map((f: { path: string; line: number; ruleId: string }) => `${f.path}:${f.line} ${f.ruleId}`)).toEqual([
      "lib/shop/cluster.ex:3 pg2-removed",
      "lib/shop/dashboard.ex:2 task-async-unsupervised",
    ]);
  });

  it("says what was wrong and exits 2 on a usage error", async () => {
    write("lib/a.ex", CLUSTER);

    write("README.md", "# shop\n");
    mkdirSync(join(dir, "empty"));

    const badFormat = await check("--format", "xml");
    const missing = await check("lib/nope");
    const notElixir = await check("README.md");
    const empty = await check("empty");
    const outsideGit = await check("--diff", "main");
    git("init", "-q");
    const badRef = await check("--diff", "no-such-ref");

    expect(badFormat.status).toBe(2);
    expect(badFormat.stderr).toContain("'xml' is invalid. Allowed choices are text, json, sarif, github");
    expect(missing).toMatchObject({ status: 2, stderr: "otp-review: no such file or directory: lib/nope\n" });
    expect(notElixir).toMatchObject({ status: 2, stderr: "otp-review: not an Elixir file (.ex, .exs): README.md\n" });
    expect(empty).toMatchObject({ status: 2, stderr: "otp-review: no Elixir files (.ex, .exs) in empty\n" });
    expect(outsideGit).toMatchObject({ status: 2, stderr: `otp-review: --diff needs a git repository, and ${dir} is not inside one\n` });
    expect(badRef.status).toBe(2);
    // One line, what git said first: not its usage text.
    expect(badRef.stderr).toMatch(/^otp-review: --diff no-such-ref: \S.*\n$/);
  });

  it("gives the app's verdict from any directory: globs are matched from the repository root", async () => {
    write(".github/otp-review.yml", 'paths:\n  exclude: ["lib/sub/**"]\n');
    write("lib/sub/legacy.ex", CLUSTER);
    write("lib/shop/dashboard.ex", DASHBOARD);
    write("test/support/fake_dashboard.ex", DASHBOARD);

    const fromRoot = await check();
    const fromSub = await runInProcess(["check"], join(dir, "lib", "sub"));
    const fromTests = await runInProcess(["check"], join(dir, "test"));
    const fromShop = await runInProcess(["check", "--format", "json"], join(dir, "lib", "shop"));

    expect([fromRoot.status, fromSub.status, fromTests.status]).toEqual([0, 0, 0]);
    expect(fromRoot.stdout).toMatch(/^lib\/shop\/dashboard\.ex:2:21: warning task-async-unsupervised /);
    expect(fromSub.stdout).toBe("");
    expect(fromTests.stdout).toBe("");
    expect(JSON.parse(fromShop.stdout).findings.map((f: { path: string }) => f.path)).toEqual(["lib/shop/dashboard.ex"]);
  });

  it("annotates a pull request in GitHub Actions with --format github: workflow commands, paths from the repository root", async () => {
    write(".github/otp-review.yml", "");
    write("lib/shop/cluster.ex", CLUSTER);
    write("lib/shop/dashboard.ex", DASHBOARD);

    const ran = await runInProcess(["check", "--format", "github"], join(dir, "lib"));

    expect(ran.status).toBe(1);
    expect(ran.stdout.trimEnd().split("\n")).toEqual([
      expect.stringMatching(/^::error file=lib\/shop\/cluster\.ex,line=2,col=24,endLine=2,endColumn=\d+,title=otp-review pg2-removed::`:pg2\.join` was removed in OTP 24/),
      expect.stringMatching(/^::warning file=lib\/shop\/dashboard\.ex,line=2,col=21,endLine=2,endColumn=44,title=otp-review task-async-unsupervised::This task/),
    ]);
  });

  it("ends with a summary line on stderr; --quiet prints the findings only", async () => {
    write("lib/shop/cluster.ex", CLUSTER);
    write("lib/shop/dashboard.ex", DASHBOARD);
    write("lib/shop/saved.ex", "defmodule Shop.Saved do\n  def restore(saved), do: Map.new(saved, fn {k, v} -> {String.to_atom(k), v} end)\nend\n");

    const ran = await check();
    const quiet = await check("--quiet");

    expect(ran.stderr).toMatch(/^otp-review: 3 Elixir files analysed in \d+\.\d s, 2 findings: 1 error, 1 warning; 1 more below the confidence threshold, not shown \(--all shows them\)\n$/);
    expect(quiet.stderr).toBe("");
    expect(quiet.stdout).toBe(ran.stdout);
  });

  it("follows the nearest .github/otp-review.yml, or the file --config names", async () => {
    write("lib/shop/cluster.ex", CLUSTER);
    write(".github/otp-review.yml", "rules:\n  pg2-removed: warning\n");
    write("strict.yml", "fail_on: warning\n");

    const nearest = await check("lib");
    const strict = await runInProcess(["check", "--config", "strict.yml"], dir);

    expect(nearest.status).toBe(0);
    expect(nearest.stdout).toContain("lib/shop/cluster.ex:2:24: warning pg2-removed");
    expect(strict.status).toBe(1);
    expect(strict.stdout).toContain(": error pg2-removed");
  });

  it("refuses an invalid policy with the file, line, key and a suggestion, exit 2", async () => {
    write("lib/a.ex", CLUSTER);
    write(".github/otp-review.yml", "rules:\n  pg2-remove: error\n");

    const ran = await check();

    expect(ran.status).toBe(2);
    expect(ran.stderr).toContain(".github/otp-review.yml:2: rules.pg2-remove: unknown rule `pg2-remove`. Did you mean `pg2-removed`?");
  });

  it("prints the effective policy and where it came from with `otp-review config`", async () => {
    write(".github/otp-review.yml", "fail_on: warning\n");

    const ran = await runInProcess(["config"], dir);

    expect(ran.status).toBe(0);
    expect(ran.stdout).toMatch(/^# effective policy, from \.github\/otp-review\.yml\n/);
    expect(ran.stdout).toContain("# fail_on: from .github/otp-review.yml\nfail_on: warning");
    expect(ran.stdout).toContain("# scope: from the defaults\nscope: added");
  });

  it("skips a file over the per-file budget, says so on stderr, and reports the rest", async () => {
    write("lib/generated.ex", manyCaseBlocks(4000));
    write("lib/shop/cluster.ex", CLUSTER);

    // The budget is the process pool's: this one runs the app's pool, as the binary does.
    const ran = await runInProcess(["check", "--file-time", "300"], dir, { pool: true });

    expect(ran.status).toBe(1);
    expect(ran.stdout).toContain("lib/shop/cluster.ex:2:");
    expect(ran.stderr).toContain("otp-review: lib/generated.ex took more than 0.3 s of CPU time to analyse (the per-file budget); skipped");
  });

  it("refuses a budget that is not a whole number above zero, exit 2", async () => {
    const ran = await check("--file-memory", "lots");

    expect(ran.status).toBe(2);
    expect(ran.stderr).toContain("option '--file-memory <mb>' argument 'lots' is invalid. expected a whole number above zero.");
  });

  it("reports a broken file on stderr and still analyses what parses", async () => {
    write("lib/broken.ex", "defmodule B do\n  def f(x) do\n    case x do\n  end\n  def g(p), do: :pg2.join(p, self())\nend\n");

    const ran = await check();

    expect(ran.status).toBe(1);
    expect(ran.stdout).toContain("lib/broken.ex:5:");
    expect(ran.stderr).toMatch(/^otp-review: lib\/broken\.ex has syntax errors/);
  });
});

describe("otp-review rules, explain, config, --version", { timeout: 60_000 }, () => {
  const cli = (...args: string[]) => runInProcess(args, dir);

  it("lists every rule with its severity, summary and options' defaults", async () => {
    const ran = await cli("rules");

    expect(ran.status).toBe(0);
    expect(ran.stdout).toMatch(/^dynamic-atom\s+warning\s+An atom made from run-time input$/m);
    expect(ran.stdout).toMatch(/^restart-intensity\s+warning\s.+\n\s+--\s+max_restarts \(default 100\): /m);
  });

  it("prints a rule's page, and suggests the rule meant when the id is wrong", async () => {
    const page = await cli("explain", "dynamic-atom");
    const typo = await cli("explain", "dynamic-atm");

    expect(page.status).toBe(0);
    expect(page.stdout).toMatch(/^# `dynamic-atom`\n/);
    expect(page.stdout).toContain("## When it speaks");
    expect(typo).toMatchObject({ status: 2, stderr: "otp-review: no rule `dynamic-atm`. Did you mean `dynamic-atom`? `otp-review rules` lists them.\n" });
  });

  it("prints each rule's effective severity and options, and what set them", async () => {
    write(".github/otp-review.yml", "rules:\n  pg2-removed: warning\n  restart-intensity: { max_restarts: 20 }\n  cast-without-backpressure: off\n");

    const ran = await cli("config");

    expect(ran.status).toBe(0);
    expect(ran.stdout).toContain("  pg2-removed: warning  # .github/otp-review.yml\n");
    expect(ran.stdout).toContain('  restart-intensity: warning {"max_restarts":20}  # .github/otp-review.yml\n');
    expect(ran.stdout).toContain("  cast-without-backpressure: off  # .github/otp-review.yml\n");
    expect(ran.stdout).toContain("  dynamic-atom: warning  # default\n");
  });

  it("says its version", async () => {
    expect(await cli("--version")).toMatchObject({ status: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/) });
  });
});

describe("otp-review baseline", { timeout: 60_000 }, () => {
  it("records today's findings so check passes on them, speaks again when their code changes, and --prune drops what is gone", async () => {
    write(".github/otp-review.yml", "");
    write("lib/shop/cluster.ex", CLUSTER);
    write("lib/shop/dashboard.ex", DASHBOARD);

    const recorded = await runInProcess(["baseline"], join(dir, "lib"));
    const baseline = JSON.parse(readFileSync(join(dir, ".github", "otp-review-baseline.json"), "utf8"));
    const clean = await check();

    expect(recorded).toMatchObject({ status: 0, stderr: "otp-review: 2 findings written to .github/otp-review-baseline.json; commit it to the default branch\n" });
    expect(baseline.version).toBe(1);
    expect(baseline.findings.map((f: { rule: string; path: string; code: string }) => `${f.path} ${f.rule} ${f.code}`)).toEqual([
      "lib/shop/cluster.ex pg2-removed :pg2.join(group, self())",
      "lib/shop/dashboard.ex task-async-unsupervised Task.async(fn -> c end)",
    ]);
    expect(clean.status).toBe(0);
    expect(clean.stdout).toBe("");
    expect(clean.stderr).toMatch(/no findings; 2 more in the baseline, not shown\n$/);

    // Re-indented, the same finding; changed, a new one.
    write("lib/shop/dashboard.ex", DASHBOARD.replace("  def load", "    def load"));
    write("lib/shop/cluster.ex", CLUSTER.replace("self()", "pid()"));
    const changed = await check();
    expect(changed.status).toBe(1);
    expect(changed.stdout).toMatch(/^lib\/shop\/cluster\.ex:2:\d+: error pg2-removed/);
    expect(changed.stdout).not.toContain("dashboard");

    rmSync(join(dir, "lib", "shop", "dashboard.ex"));
    const pruned = await runInProcess(["baseline", "--prune"], dir);
    expect(pruned.stderr).toBe("otp-review: 2 entries whose code is gone dropped from .github/otp-review-baseline.json; 0 remain\n");
  });
});
