import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { rules } from "../../rules/index.js";
import { DEFAULT_POLICY } from "../../src/config/schema.js";
import { reviewSettings } from "../../src/config/settings.js";
import { analysisRequest, inProcessAnalyser } from "../../src/engine/file-analyser.js";
import { packageRoot } from "../../src/package-root.js";
import { ProcessPoolAnalyser } from "../../src/sandbox/process-pool-analyser.js";
import { manyCaseBlocks } from "../helpers/crafted-elixir.js";

const settings = reviewSettings(rules);
const example = (path: string) => readFileSync(join(packageRoot(), "examples", "pull-request", "head", path), "utf8");
const request = (path: string, source: string) => analysisRequest(path, source, settings);

let pool: ProcessPoolAnalyser | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

// Each test starts analysis processes: no default 5 s timeout on a busy two-core machine.
describe("the process pool", { timeout: 60_000 }, () => {
  it("finds what the in-process engine finds, with the policy's severities", async () => {
    const strict = reviewSettings(rules, { ...DEFAULT_POLICY, rules: { "call-infinity-timeout": "error", "restart-intensity": { max_restarts: 10 } } });
    pool = new ProcessPoolAnalyser({ processes: 2 });
    for (const path of ["lib/shop/cart_server.ex", "lib/shop/dashboard.ex"]) {
      const req = analysisRequest(path, example(path), strict);
      expect(await pool.analyse(req)).toEqual(await inProcessAnalyser(rules).analyse(req));
    }
  });

  it("skips a file over the time budget, says so, and analyses the next file in a fresh process", async () => {
    pool = new ProcessPoolAnalyser({ processes: 1, budget: { timeMs: 300, memoryMb: 4096 } });

    const slow = await pool.analyse(request("lib/generated.ex", manyCaseBlocks(4000)));
    const next = await pool.analyse(request("lib/shop/cluster.ex", example("lib/shop/cluster.ex")));

    expect(slow).toEqual({ findings: [], notes: [{ path: "lib/generated.ex", message: "took more than 0.3 s of CPU time to analyse (the per-file budget); skipped" }] });
    expect(next.findings.map((f) => f.ruleId)).toEqual(["pg2-removed"]);
    expect(next.notes).toEqual([]);
  });

  it("skips a file over the memory budget, says so, and keeps going", async () => {
    pool = new ProcessPoolAnalyser({ processes: 1, budget: { timeMs: 120_000, memoryMb: 200 } });

    const [hungry, next] = await Promise.all([pool.analyse(request("lib/generated.ex", manyCaseBlocks(2000))), pool.analyse(request("lib/shop/cluster.ex", example("lib/shop/cluster.ex")))]);

    expect(hungry).toEqual({ findings: [], notes: [{ path: "lib/generated.ex", message: "needed more than 200 MB to analyse (the per-file budget); skipped" }] });
    expect(next.findings.map((f) => f.ruleId)).toEqual(["pg2-removed"]);
  });

  it("says so when it cannot measure the process, rather than let the budget lapse unseen", async () => {
    pool = new ProcessPoolAnalyser({ processes: 1, measure: (_pid, done) => done(new Error("EPERM: cannot read /proc"), { memory: 0, ctime: 0 }) });

    const analysis = await pool.analyse(request("lib/shop/cluster.ex", example("lib/shop/cluster.ex")));

    expect(analysis.findings.map((f) => f.ruleId)).toEqual(["pg2-removed"]);
    expect(analysis.notes).toContainEqual({
      path: "lib/shop/cluster.ex",
      message: "was analysed without its CPU and memory budget: the process could not be measured (EPERM: cannot read /proc); only the 35 s wall-clock limit applied",
    });
  });

  it("does not ship binary or oversized files to a process at all", async () => {
    pool = new ProcessPoolAnalyser({ processes: 1, workerScript: "/nonexistent/worker.js" });

    const binary = await pool.analyse(request("lib/blob.ex", "\u0000\u0001"));
    const huge = await pool.analyse(request("lib/huge.ex", "x".repeat(600 * 1024)));

    expect(binary.notes).toEqual([{ path: "lib/blob.ex", message: "is binary, not Elixir source; skipped" }]);
    expect(huge.notes).toEqual([{ path: "lib/huge.ex", message: "is 600 KiB, over the 512 KiB analysis limit; skipped" }]);
  });

  it("turns a process that cannot start into a note, not a lost review", async () => {
    pool = new ProcessPoolAnalyser({ processes: 1, workerScript: join(packageRoot(), "no-such-worker.js") });

    const analysis = await pool.analyse(request("lib/shop/cluster.ex", example("lib/shop/cluster.ex")));

    expect(analysis.findings).toEqual([]);
    expect(analysis.notes).toHaveLength(1);
    expect(analysis.notes[0]).toMatchObject({ path: "lib/shop/cluster.ex", message: expect.stringMatching(/^could not be analysed: .+; skipped$/) });
  });
});
