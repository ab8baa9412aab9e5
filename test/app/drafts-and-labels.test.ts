import { beforeEach, describe, expect, it } from "vitest";
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

/** GitHub's payload for the event, as a draft and/or with labels, and the label an event is about. */
function event(action: string, { draft = false, labels = [] as string[], label }: { draft?: boolean; labels?: string[]; label?: string } = {}) {
  const payload = pullRequestEvent(action, pr);
  payload["pull_request"].draft = draft;
  payload["pull_request"].labels = labels.map((name, i) => ({ id: i + 1, node_id: `L${i}`, url: "", name, color: "ededed", default: false, description: null }));
  if (label !== undefined) payload["label"] = { id: 99, node_id: "L99", url: "", name: label, color: "ededed", default: false, description: null };
  return payload;
}

describe("drafts", () => {
  it("are reviewed by default, so the verdict comes early", async () => {
    const github = new GitHubStandIn(pr).installationToken().createCheckRun().policy().listFiles().contents(EXAMPLE_ELIXIR_FILES).comments([]).headCommit().createReview().updateCheckRun();

    await deliver(app.probot, "pull_request", event("opened", { draft: true }));
    await app.drain();

    expect(github.scope.pendingMocks()).toStrictEqual([]);
    expect(github.recorded.reviews).toHaveLength(1);
  });

  it("with review_drafts: false, complete their run as skipped, saying how to have them reviewed, and read no file", async () => {
    const github = new GitHubStandIn(pr).installationToken().createCheckRun().policy("review_drafts: false\n").updateCheckRun();

    await deliver(app.probot, "pull_request", event("opened", { draft: true }));
    await app.drain();

    expect(github.scope.pendingMocks()).toStrictEqual([]);
    expect(github.recorded.contentRequests).toEqual([]);
    expect(github.recorded.checkRunUpdates[0]!.body).toMatchObject({
      status: "completed",
      conclusion: "skipped",
      output: { title: "Not reviewed", summary: expect.stringContaining("Mark it ready for review") },
    });
  });
});

describe("the skip label", () => {
  it("completes the run as skipped with the reason, on a pull request that carries it", async () => {
    const github = new GitHubStandIn(pr).installationToken().createCheckRun().policy().updateCheckRun();

    await deliver(app.probot, "pull_request", event("synchronize", { labels: ["bug", "otp-review:skip"] }));
    await app.drain();

    expect(github.scope.pendingMocks()).toStrictEqual([]);
    expect(github.recorded.checkRunUpdates[0]!.body).toMatchObject({ conclusion: "skipped", output: { summary: expect.stringContaining("the label `otp-review:skip`") } });
  });

  it("has a name the policy sets, and removing it has the pull request reviewed", async () => {
    const policy = 'skip_label: "no-otp"\n';
    const github = new GitHubStandIn(pr)
      .installationToken()
      .policy(policy)
      .createCheckRun()
      .policy(policy)
      .listFiles()
      .contents(EXAMPLE_ELIXIR_FILES)
      .comments([])
      .headCommit()
      .createReview()
      .updateCheckRun();

    await deliver(app.probot, "pull_request", event("unlabeled", { labels: ["otp-review:skip"], label: "no-otp" }));
    await app.drain();

    expect(github.scope.pendingMocks()).toStrictEqual([]);
    expect(github.recorded.reviews).toHaveLength(1);
    expect(github.recorded.checkRunUpdates[0]!.body.conclusion).toBe("failure");
  });

  it("is the only label whose change starts a run: another label is read against the policy and then ignored", async () => {
    const github = new GitHubStandIn(pr).installationToken().policy();

    await deliver(app.probot, "pull_request", event("labeled", { labels: ["bug"], label: "bug" }));
    await app.drain();

    expect(github.scope.pendingMocks()).toStrictEqual([]);
    expect(github.recorded.checkRunCreates).toEqual([]);
  });
});

describe("the review's body", () => {
  it("says in a few lines what was found and what matters most", async () => {
    const github = new GitHubStandIn(pr).installationToken().createCheckRun().policy().listFiles().contents(EXAMPLE_ELIXIR_FILES).comments([]).headCommit().createReview().updateCheckRun();

    await deliver(app.probot, "pull_request", event("opened"));
    await app.drain();

    const body: string = github.recorded.reviews[0].body;
    expect(body.split("\n\n")).toEqual([
      "**OTP Review**: 4 new findings on the lines this pull request changed (1 error, 3 warnings).",
      expect.stringMatching(/^Most important: `pg2-removed` at `lib\/shop\/cluster\.ex:5` — `:pg2\.join` was removed in OTP 24/),
      "The **OTP Review** check run lists every finding.",
    ]);
  });
});
