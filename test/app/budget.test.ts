import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ProcessPoolAnalyser } from "../../src/sandbox/process-pool-analyser.js";
import { manyCaseBlocks } from "../helpers/crafted-elixir.js";
import { closeTheNetwork, EXAMPLE_ELIXIR_FILES, examplePullRequest, GitHubStandIn } from "../helpers/github-stand-in.js";
import { pullRequestEvent } from "../helpers/payloads.js";
import { createTestApp, deliver, testProbot } from "../helpers/probot.js";

closeTheNetwork();

let analyser: ProcessPoolAnalyser;
beforeEach(() => {
  // Production's pool, with a budget a crafted file blows at once.
  analyser = new ProcessPoolAnalyser({ processes: 2, budget: { timeMs: 300, memoryMb: 1024 } });
});
afterEach(() => analyser.close());

// Analysis runs in a process pool that restarts a killed process: no default 5 s timeout on a busy machine.
describe("a pull request with a file crafted to stall the parser", { timeout: 60_000 }, () => {
  it("skips that file, says so in the check run, and reviews the rest", async () => {
    const pr = examplePullRequest();
    const generated = manyCaseBlocks(4000);
    const lines = generated.trimEnd().split("\n");
    pr.files.push({ filename: "lib/generated.ex", status: "added", patch: `@@ -0,0 +1,${lines.length} @@\n${lines.map((l) => `+${l}`).join("\n")}` });
    pr.contents["lib/generated.ex"] = generated;
    const app = await createTestApp(testProbot(), undefined, analyser);
    const github = new GitHubStandIn(pr)
      .installationToken()
      .createCheckRun()
      .policy()
      .listFiles()
      .contents([...EXAMPLE_ELIXIR_FILES, "lib/generated.ex"])
      .comments([])
      .headCommit()
      .createReview()
      .updateCheckRun();

    await deliver(app.probot, "pull_request", pullRequestEvent("opened", pr));
    await app.drain();

    expect(github.scope.pendingMocks()).toStrictEqual([]);
    const completed = github.recorded.checkRunUpdates[0]!.body;
    expect(completed).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(completed.output.summary).toContain("`lib/generated.ex` took more than 0.3 s of CPU time to analyse (the per-file budget); skipped");
    const commented = github.recorded.reviews[0].comments.map((c: { path: string }) => c.path);
    expect(commented).not.toContain("lib/generated.ex");
    expect(new Set(commented)).toEqual(new Set(["lib/shop/cart_server.ex", "lib/shop/cluster.ex", "lib/shop/dashboard.ex", "lib/shop/pricing.ex"]));
  });
});
