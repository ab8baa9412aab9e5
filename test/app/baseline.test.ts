import { beforeEach, describe, expect, it } from "vitest";
import { formatBaseline } from "../../src/baseline/baseline.js";
import { fingerprintsIn } from "../../src/report/marker.js";
import { closeTheNetwork, EXAMPLE_ELIXIR_FILES, examplePullRequest, GitHubStandIn, type PullRequestData } from "../helpers/github-stand-in.js";
import { pullRequestEvent } from "../helpers/payloads.js";
import { createTestApp, deliver, type TestApp } from "../helpers/probot.js";

let app: TestApp;
let pr: PullRequestData;

closeTheNetwork();

beforeEach(async () => {
  app = await createTestApp();
  pr = examplePullRequest();
});

/** The fingerprint of the example's `:pg2` error, as the app's comment carries it. */
async function pg2Fingerprint(): Promise<string> {
  const github = new GitHubStandIn(pr).installationToken().createCheckRun().policy().listFiles().contents(EXAMPLE_ELIXIR_FILES).comments([]).headCommit().createReview().updateCheckRun();
  await deliver(app.probot, "pull_request", pullRequestEvent("opened", pr));
  await app.drain();
  const comment = github.recorded.reviews[0].comments.find((c: { path: string }) => c.path === "lib/shop/cluster.ex");
  return [...fingerprintsIn([comment.body])][0]!;
}

describe("the baseline on the default branch", () => {
  it("keeps a required check green on an untouched legacy finding, counted in the run, and red on a new one", async () => {
    const legacy = await pg2Fingerprint();
    const baseline = formatBaseline([{ fingerprint: legacy, rule: "pg2-removed", path: "lib/shop/cluster.ex", code: ":pg2.join(group, self())" }]);
    const pushed = { ...pr, headSha: "b".repeat(40) };
    const github = new GitHubStandIn(pushed).baseline(baseline).createCheckRun().policy().listFiles().contents(EXAMPLE_ELIXIR_FILES).comments([]).headCommit().createReview().updateCheckRun();

    await deliver(app.probot, "pull_request", pullRequestEvent("synchronize", pushed));
    await app.drain();

    expect(github.scope.pendingMocks()).toStrictEqual([]);
    const green = github.recorded.checkRunUpdates[0]!.body;
    expect(green.conclusion).toBe("success");
    expect(green.output.summary).toContain("1 known finding in touched files is in the baseline (`.github/otp-review-baseline.json`)");
    expect(github.recorded.reviews[0].comments.map((c: { path: string }) => c.path)).not.toContain("lib/shop/cluster.ex");

    // A new error, not in the baseline: the same check fails.
    const changed = { ...pushed, headSha: "c".repeat(40) };
    changed.contents = {
      ...pushed.contents,
      "lib/shop/cluster.ex": pushed.contents["lib/shop/cluster.ex"]!.replace(":pg2.join(group, self())", ":pg2.join(group, pid)").replace("def join(group)", "def join(group, pid \\\\ self())"),
    };
    const red = new GitHubStandIn(changed).baseline(baseline).createCheckRun().policy().listFiles().contents(EXAMPLE_ELIXIR_FILES).comments([]).headCommit().createReview().updateCheckRun();
    await deliver(app.probot, "pull_request", pullRequestEvent("synchronize", changed));
    await app.drain();
    expect(red.recorded.checkRunUpdates[0]!.body.conclusion).toBe("failure");
  });

  it("that is broken is ignored with a note, never a failed review", async () => {
    const github = new GitHubStandIn(pr)
      .installationToken()
      .baseline("{ not json")
      .createCheckRun()
      .policy()
      .listFiles()
      .contents(EXAMPLE_ELIXIR_FILES)
      .comments([])
      .headCommit()
      .createReview()
      .updateCheckRun();

    await deliver(app.probot, "pull_request", pullRequestEvent("opened", pr));
    await app.drain();

    expect(github.scope.pendingMocks()).toStrictEqual([]);
    expect(github.recorded.checkRunUpdates[0]!.body.output.summary).toContain("the baseline is ignored: acme/shop:.github/otp-review-baseline.json@master is not JSON");
  });
});
