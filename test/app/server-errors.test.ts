import { Probot, ProbotOctokit } from "probot";
import { beforeEach, describe, expect, it } from "vitest";
import { closeTheNetwork, EXAMPLE_ELIXIR_FILES, examplePullRequest, GitHubStandIn, type PullRequestData } from "../helpers/github-stand-in.js";
import { pullRequestEvent } from "../helpers/payloads.js";
import { APP_ID, createTestApp, deliver, PRIVATE_KEY, WEBHOOK_SECRET, type TestApp } from "../helpers/probot.js";

/**
 * GitHub's 5xx storms, through the retry Probot runs in production: up to 3 retries, waiting
 * (n + 1)² × the base value before retry n. The base is 10 ms here instead of 1 s.
 */
const RETRY_BASE_MS = 10;
const RetryingOctokit = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  retry: { retryAfterBaseValue: RETRY_BASE_MS },
  throttle: { ...(options["throttle"] as object), enabled: false },
}));

let app: TestApp;
let pr: PullRequestData;

closeTheNetwork();

beforeEach(async () => {
  app = await createTestApp(new Probot({ appId: APP_ID, privateKey: PRIVATE_KEY, secret: WEBHOOK_SECRET, logLevel: "fatal", Octokit: RetryingOctokit }));
  pr = examplePullRequest();
});

describe("a storm of 5xx answers from GitHub", () => {
  it("is retried with growing waits, and the review completes as if nothing happened", async () => {
    const github = new GitHubStandIn(pr).installationToken().createCheckRun().policy();
    const attempts: Record<string, number[]> = {};
    for (const path of EXAMPLE_ELIXIR_FILES) {
      github.scope
        .get(`${github.repoPath}/contents/${encodeURIComponent(path)}`)
        .query(true)
        .times(2)
        .reply(() => {
          (attempts[path] ??= []).push(performance.now());
          return [502, { message: "Server Error" }];
        });
    }
    github.listFiles().contents(EXAMPLE_ELIXIR_FILES).comments([]).headCommit().createReview().updateCheckRun();

    await deliver(app.probot, "pull_request", pullRequestEvent("opened", pr));
    await app.drain();

    expect(github.scope.pendingMocks()).toStrictEqual([]);
    expect(github.recorded.contentRequests.map((r) => r.path).sort()).toEqual(EXAMPLE_ELIXIR_FILES);
    for (const path of EXAMPLE_ELIXIR_FILES) {
      // Two 502s, then the answer: the first retry waited at least the base value.
      const [first, second] = attempts[path]!;
      expect(attempts[path]).toHaveLength(2);
      expect(second! - first!).toBeGreaterThanOrEqual(RETRY_BASE_MS - 1);
    }
    const completed = github.recorded.checkRunUpdates[0]!.body;
    expect(completed).toMatchObject({ status: "completed", conclusion: "failure", output: { title: "4 findings: 1 error, 3 warnings" } });
    expect(github.recorded.reviews[0].comments).toHaveLength(4);
  });

  it("that does not stop: gives up after 3 retries and completes the run as neutral with the reason", async () => {
    const github = new GitHubStandIn(pr).installationToken().createCheckRun().policy();
    const listings: number[] = [];
    github.scope
      .get(`${github.repoPath}/pulls/${pr.number}/files`)
      .query(true)
      .times(4)
      .reply(() => {
        listings.push(performance.now());
        return [503, { message: "Service Unavailable" }];
      });
    // Completing the run is retried too.
    github.scope.patch(new RegExp(`${github.repoPath}/check-runs/\\d+$`)).reply(500, { message: "Server Error" });
    github.updateCheckRun();

    await deliver(app.probot, "pull_request", pullRequestEvent("opened", pr));
    await app.drain();

    expect(github.scope.pendingMocks()).toStrictEqual([]);
    expect(listings).toHaveLength(4);
    const waits = listings.slice(1).map((at, i) => at - listings[i]!);
    // (n + 1)² × base: 10, 40 and 90 ms at least, each longer than the one before.
    [1, 4, 9].forEach((factor, i) => expect(waits[i]).toBeGreaterThanOrEqual(factor * RETRY_BASE_MS - 1));
    const completed = github.recorded.checkRunUpdates[0]!.body;
    expect(completed).toMatchObject({ status: "completed", conclusion: "neutral", output: { title: "Review could not finish" } });
    expect(completed.output.summary).toContain("Service Unavailable");
    expect(completed.actions).toEqual([{ label: "Re-run review", description: "Review this commit again", identifier: "rerun" }]);
    expect(github.recorded.reviews).toEqual([]);
  });
});
