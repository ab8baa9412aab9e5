#!/usr/bin/env node
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { availableParallelism } from "node:os";
import { performance } from "node:perf_hooks";
import type { PullRequestData } from "../test/helpers/github-stand-in.js";
import { LoopbackGitHub } from "../test/helpers/loopback-github.js";
import { pullRequestEvent } from "../test/helpers/payloads.js";
import { ServerProcess, until } from "../test/helpers/server-process.js";

/**
 * The service as it is deployed: `node dist/src/server.js` against a GitHub on loopback that
 * answers after a set latency. Measures what issue 11 asks, in one run: acknowledgement latency
 * under a burst, time to comments and to a completed run (and the writes made) for pull requests
 * of 10, 100 and 1,000 files at 50 ms per request, and the peak memory of the server and its
 * analysis processes on 3,000 files. Each figure is given with its baseline from the same run
 * (the same work with no latency, or the idle server), as these machines are noisy.
 */
const LATENCY_MS = 50;
const TIMEOUT_MS = 600_000;

function generatedPullRequest(files: number): PullRequestData {
  const listed: PullRequestData["files"] = [];
  const contents: Record<string, string> = {};
  for (let i = 0; i < files; i++) {
    const source = `defmodule Gen.M${i} do\n  def notify(x) do\n    Task.async(fn -> x end)\n    :ok\n  end\nend\n`;
    const lines = source.trimEnd().split("\n");
    const path = `lib/gen/m${i}.ex`;
    listed.push({ filename: path, status: "added", patch: `@@ -0,0 +1,${lines.length} @@\n${lines.map((l) => `+${l}`).join("\n")}` });
    contents[path] = source;
  }
  return { owner: "acme", repo: "shop", number: 7, headSha: "e".repeat(40), files: listed, contents };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Resident memory of a process and all its descendants, in MB. */
function treeRssMb(root: number): number {
  const rows = execFileSync("ps", ["-eo", "pid=,ppid=,rss="], { encoding: "utf8" })
    .trim()
    .split("\n")
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number, number]);
  const inTree = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, ppid] of rows) {
      if (inTree.has(ppid) && !inTree.has(pid)) {
        inTree.add(pid);
        grew = true;
      }
    }
  }
  return rows.filter(([pid]) => inTree.has(pid)).reduce((sum, [, , rss]) => sum + rss, 0) / 1024;
}

async function withServer<T>(pr: PullRequestData, latencyMs: number, work: (server: ServerProcess, github: LoopbackGitHub) => Promise<T>): Promise<T> {
  const github = new LoopbackGitHub(pr);
  github.latencyMs = latencyMs;
  // The default pool, as deployed: one analysis process per CPU, up to 4.
  const server = new ServerProcess(await github.start(), { LOG_LEVEL: "warn", OTP_REVIEW_ANALYSIS_PROCESSES: String(Math.min(4, availableParallelism())) });
  try {
    await server.start();
    return await work(server, github);
  } finally {
    server.signal("SIGKILL");
    await server.exited();
    await github.close();
  }
}

/** 200 deliveries for 50 pull requests, `gapMs` apart (0: all at once), while the reviews they start run. */
async function burst(latencyMs: number, gapMs: number): Promise<number[]> {
  const pr = generatedPullRequest(5);
  return withServer(pr, latencyMs, async (server, github) => {
    const acks: number[] = [];
    await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        await new Promise((resolve) => setTimeout(resolve, i * gapMs));
        const event = pullRequestEvent("synchronize", { ...pr, number: 1 + (i % 50), headSha: (i % 4).toString().repeat(40) });
        const start = performance.now();
        await server.deliver("pull_request", event, randomUUID());
        acks.push(performance.now() - start);
      }),
    );
    await until(() => github.recorded.checkRunUpdates.filter((u) => u.body.status === "completed").length >= 50, "the burst's reviews", TIMEOUT_MS);
    return acks;
  });
}

async function endToEnd(files: number, latencyMs: number): Promise<{ commentsMs: number; completedMs: number; writes: number; peakMb: number }> {
  return withServer(generatedPullRequest(files), latencyMs, async (server, github) => {
    let peakMb = 0;
    const sampler = setInterval(() => (peakMb = Math.max(peakMb, treeRssMb(server.pid!))), 100);
    const start = performance.now();
    await server.deliver("pull_request", pullRequestEvent("opened", generatedPullRequest(0)), randomUUID());
    await until(() => github.recorded.checkRunUpdates.some((u) => u.body.status === "completed"), "the review", TIMEOUT_MS);
    clearInterval(sampler);
    const at = (path: RegExp) => (github.recorded.writes.find((w) => path.test(w.path))?.at ?? Number.NaN) - start;
    return { commentsMs: at(/\/reviews$/), completedMs: performance.now() - start, writes: github.recorded.writes.filter((w) => !w.path.includes("access_tokens")).length, peakMb };
  });
}

const idle = await withServer(generatedPullRequest(0), 0, async (server) => treeRssMb(server.pid!));
console.log(`Idle server and its analysis processes: ${idle.toFixed(0)} MB`);

// `npm run bench:service -- memory` measures only the 3,000-file peak.
const only = process.argv[2];
for (const gapMs of only === "memory" ? [] : [10, 0]) {
  const acks = await burst(LATENCY_MS, gapMs);
  const pace = gapMs === 0 ? "all at once" : `one every ${gapMs} ms`;
  console.log(
    `Acknowledgements, 200 deliveries for 50 pull requests (${pace}), reviews running against a ${LATENCY_MS} ms GitHub: p50 ${percentile(acks, 50).toFixed(0)} ms, p99 ${percentile(acks, 99).toFixed(0)} ms`,
  );
}

for (const files of only === "memory" ? [] : [10, 100, 1_000]) {
  const base = await endToEnd(files, 0);
  const slow = await endToEnd(files, LATENCY_MS);
  console.log(
    `${String(files).padStart(5)} files at ${LATENCY_MS} ms: comments after ${(slow.commentsMs / 1000).toFixed(1)} s, run completed after ${(slow.completedMs / 1000).toFixed(1)} s, ${slow.writes} writes` +
      ` (no latency: ${(base.commentsMs / 1000).toFixed(1)} s / ${(base.completedMs / 1000).toFixed(1)} s; ${(slow.completedMs / base.completedMs).toFixed(1)}×)`,
  );
}

const huge = await endToEnd(3_000, 0);
console.log(
  `3,000 files: peak memory of the server and its analysis processes ${huge.peakMb.toFixed(0)} MB (idle ${idle.toFixed(0)} MB), run completed after ${(huge.completedMs / 1000).toFixed(1)} s`,
);
