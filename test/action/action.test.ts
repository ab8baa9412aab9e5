import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { packageRoot } from "../../src/package-root.js";

let dir: string;
let workspace: string;

function write(path: string, content: string): void {
  mkdirSync(dirname(join(workspace, path)), { recursive: true });
  writeFileSync(join(workspace, path), content);
}

function git(...args: string[]): string {
  return execFileSync("git", ["-c", "user.email=dev@example.com", "-c", "user.name=Dev", "-c", "commit.gpgsign=false", ...args], { cwd: workspace, encoding: "utf8" }).trim();
}

const CLUSTER = "defmodule Shop.Cluster do\n  def join(group), do: :pg2.join(group, self())\nend\n";
const DASHBOARD = "defmodule Shop.Dashboard do\n  def load(c), do: (Task.async(fn -> c end); :ok)\nend\n";

/** A repository whose base commit has a legacy error, and a pull request that adds a warning. */
function pullRequestRepository(): { base: string } {
  git("init", "-q");
  write("lib/shop/cluster.ex", CLUSTER);
  git("add", ".");
  git("commit", "-qm", "base");
  const base = git("rev-parse", "HEAD");
  write("lib/shop/dashboard.ex", DASHBOARD);
  git("add", ".");
  git("commit", "-qm", "change");
  return { base };
}

/** The entry script as Actions runs it: GITHUB_* for the event and the step's files, INPUT_* for the inputs. */
function runAction(inputs: Record<string, string>, event: object) {
  writeFileSync(join(dir, "event.json"), JSON.stringify(event));
  writeFileSync(join(dir, "output"), "");
  writeFileSync(join(dir, "summary"), "");
  const env = {
    PATH: process.env.PATH ?? "",
    GITHUB_ACTIONS: "true",
    GITHUB_WORKSPACE: workspace,
    GITHUB_EVENT_NAME: "pull_request",
    GITHUB_EVENT_PATH: join(dir, "event.json"),
    GITHUB_OUTPUT: join(dir, "output"),
    GITHUB_STEP_SUMMARY: join(dir, "summary"),
    ...inputs,
  };
  const ran = spawnSync(process.execPath, [join(packageRoot(), "dist", "src", "action", "main.js")], { cwd: workspace, env, encoding: "utf8" });
  return { status: ran.status, stdout: ran.stdout, output: readFileSync(join(dir, "output"), "utf8"), summary: readFileSync(join(dir, "summary"), "utf8") };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "otp-review-action-"));
  workspace = join(dir, "repo");
  mkdirSync(workspace);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

// Each test runs the entry script in its own Node process: no default 5 s timeout on a busy machine.
describe("the GitHub Action", { timeout: 60_000 }, () => {
  it("annotates only the lines the pull request changed, and passes when they hold no error", () => {
    const { base } = pullRequestRepository();

    const ran = runAction({ INPUT_REPORT: "annotations" }, { action: "opened", pull_request: { number: 1, base: { sha: base } } });

    expect(ran.status).toBe(0);
    expect(ran.stdout).toMatch(/^::warning file=lib\/shop\/dashboard\.ex,line=2,col=21,endLine=2,endColumn=44,title=otp-review task-async-unsupervised::This task/m);
    expect(ran.stdout).not.toContain("pg2-removed");
    expect(ran.output).toBe("findings=1\nfailed=false\n");
    expect(ran.summary).toMatch(/^### OTP Review\n\n1 Elixir file analysed in \d+\.\d s, 1 finding: 1 warning\n/);
  });

  it("writes SARIF for code scanning and names it in the step's outputs; fails on an error the pull request adds", () => {
    const { base } = pullRequestRepository();
    write("lib/shop/presence.ex", CLUSTER.replace("Cluster", "Presence"));
    git("add", ".");
    git("commit", "-qm", "another");

    const ran = runAction({ INPUT_REPORT: "sarif", "INPUT_SARIF-FILE": "reports/otp.sarif" }, { action: "synchronize", pull_request: { number: 1, base: { sha: base } } });

    expect(ran.status).toBe(1);
    expect(ran.output).toBe(`sarif-file=${join(workspace, "reports", "otp.sarif")}\nfindings=2\nfailed=true\n`);
    const log = JSON.parse(readFileSync(join(workspace, "reports", "otp.sarif"), "utf8"));
    expect(log.runs[0].results.map((r: { ruleId: string }) => r.ruleId).sort()).toEqual(["pg2-removed", "task-async-unsupervised"]);
  });

  it("is described by action.yml with the inputs the entry script reads", () => {
    const action = parse(readFileSync(join(packageRoot(), "action.yml"), "utf8"));

    expect(Object.keys(action.inputs)).toEqual(["report", "path", "sarif-file", "upload-sarif"]);
    expect(action.runs.using).toBe("composite");
    expect(action.runs.steps.map((s: { run?: string }) => s.run).filter(Boolean)).toContain('node "${{ github.action_path }}/dist/src/action/main.js"');
  });

  it("is offered to pre-commit as a hook that runs the package's own bin on staged Elixir files", () => {
    const [hook] = parse(readFileSync(join(packageRoot(), ".pre-commit-hooks.yaml"), "utf8"));
    const bin = JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")).bin;

    expect(hook).toMatchObject({ id: "otp-review", entry: "otp-review check", language: "node" });
    expect(Object.keys(bin)).toContain(hook.entry.split(" ")[0]);
    expect(new RegExp(hook.files).test("lib/shop/cart_server.ex") && new RegExp(hook.files).test("test/a_test.exs") && !new RegExp(hook.files).test("README.md")).toBe(true);
  });
});
