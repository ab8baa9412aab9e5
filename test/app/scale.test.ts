import { beforeEach, describe, expect, it } from "vitest";
import { closeTheNetwork, EXAMPLE_ELIXIR_FILES, examplePullRequest, GitHubStandIn, type ListedFile, type PullRequestData } from "../helpers/github-stand-in.js";
import { pullRequestEvent } from "../helpers/payloads.js";
import { createTestApp, deliver, testProbot, ThrottledTestOctokit, type TestApp } from "../helpers/probot.js";

closeTheNetwork();

let app: TestApp;
beforeEach(async () => {
  app = await createTestApp();
});

/** GitHub's ceiling for `pulls.listFiles`: the biggest pull request a review can see. */
const FILES = 3_000;

/** A pull request of 3,000 added Elixir files with 5,000 findings between them. */
function hugePullRequest(): PullRequestData {
  const files: ListedFile[] = [];
  const contents: Record<string, string> = {};
  for (let i = 0; i < FILES; i++) {
    const twice = i < 2_000;
    const source = `defmodule Gen.M${i} do\n  def a(x), do: (Task.async(fn -> x end); :ok)\n${twice ? "  def b(g), do: :pg2.join(g, self())\n" : ""}end\n`;
    const lines = source.trimEnd().split("\n");
    const path = `lib/gen/m${i}.ex`;
    files.push({ filename: path, status: "added", patch: `@@ -0,0 +1,${lines.length} @@\n${lines.map((l) => `+${l}`).join("\n")}` });
    contents[path] = source;
  }
  return { owner: "acme", repo: "shop", number: 7, headSha: "e".repeat(40), files, contents };
}

describe("the biggest pull request GitHub shows", () => {
  it("reviews 3,000 files and 5,000 findings: 25 comments, every finding annotated 50 at a time, a completed run", async () => {
    const pr = hugePullRequest();
    const github = new GitHubStandIn(pr).installationToken().createCheckRun().policy().listFiles().contents().comments([]).headCommit().createReview().updateCheckRun(100);

    await deliver(app.probot, "pull_request", pullRequestEvent("opened", pr));
    await app.drain();

    expect(github.scope.pendingMocks()).toStrictEqual([]);
    expect(github.recorded.fileListPages).toHaveLength(30);
    expect(github.recorded.reviews[0].comments).toHaveLength(25);
    const updates = github.recorded.checkRunUpdates.map((u) => u.body);
    expect(updates.every((u) => u.output.annotations.length <= 50)).toBe(true);
    expect(updates.reduce((n, u) => n + u.output.annotations.length, 0)).toBe(5_000);
    expect(updates.at(-1)).toMatchObject({ status: "completed", conclusion: "failure", output: { title: "5000 findings: 2000 errors, 3000 warnings" } });
    expect(Buffer.byteLength(updates.at(-1)!.output.summary)).toBeLessThanOrEqual(65_535);
  }, 120_000);
});

describe("GitHub's secondary rate limit", () => {
  it("waits for retry-after and retries, rather than losing the review", async () => {
    app = await createTestApp(testProbot(ThrottledTestOctokit));
    const pr = examplePullRequest();
    const github = new GitHubStandIn(pr).installationToken().createCheckRun().policy().listFiles().contents(EXAMPLE_ELIXIR_FILES).comments([]).headCommit();
    github.scope
      .post(`${github.repoPath}/pulls/${pr.number}/reviews`)
      .reply(403, { message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again." }, { "retry-after": "1" });
    github.createReview().updateCheckRun();

    await deliver(app.probot, "pull_request", pullRequestEvent("opened", pr));
    await app.drain();

    expect(github.scope.pendingMocks()).toStrictEqual([]);
    expect(github.recorded.reviews).toHaveLength(1);
    expect(github.recorded.checkRunUpdates[0]!.body).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(github.recorded.checkRunUpdates[0]!.body.output.summary).not.toContain("could not be posted");
  }, 30_000);
});
