import { beforeEach, describe, expect, it } from "vitest";
import { closeTheNetwork, EXAMPLE_ELIXIR_FILES, examplePullRequest, GitHubStandIn, type PullRequestData } from "../helpers/github-stand-in.js";
import { pullRequestEvent } from "../helpers/payloads.js";
import { createTestApp, deliver, type TestApp } from "../helpers/probot.js";

const ELIXIR_FILES = EXAMPLE_ELIXIR_FILES;

let app: TestApp;
let pr: PullRequestData;

closeTheNetwork();

beforeEach(async () => {
  app = await createTestApp();
  pr = examplePullRequest();
});

const rulesOf = (review: { comments: Array<{ body: string }> }) => review.comments.map((c) => /· `([a-z0-9-]+)`/.exec(c.body)?.[1]);

describe("the policy in .github/otp-review.yml", () => {
  it("is read from the default branch and changes severities, turns rules off and sets what fails", async () => {
    const policy = "rules:\n  pg2-removed: warning\n  dynamic-atom-process-name: off\nfail_on: error\n";
    const github = new GitHubStandIn(pr).installationToken().createCheckRun().policy(policy).listFiles().contents(ELIXIR_FILES).comments([]).headCommit().createReview().updateCheckRun();

    await deliver(app.probot, "pull_request", pullRequestEvent("opened", pr));
    await app.drain();

    expect(github.scope.pendingMocks()).toStrictEqual([]);
    expect(rulesOf(github.recorded.reviews[0])).not.toContain("dynamic-atom-process-name");
    expect(github.recorded.reviews[0].comments.find((c: { body: string }) => c.body.includes("`pg2-removed`")).body).toMatch(/^⚠️ \*\*warning\*\*/);
    const completed = github.recorded.checkRunUpdates[0]!.body;
    expect(completed.conclusion).toBe("success");
    expect(completed.output.summary).toContain("Policy: acme/shop:.github/otp-review.yml@master.");
  });

  it("moves the confidence threshold: a rule's medium-confidence findings become comments and count towards fail_on", async () => {
    const policy = "rules:\n  dynamic-atom: { severity: error, confidence: medium }\nfail_on: error\n";
    const github = new GitHubStandIn(pr).installationToken().createCheckRun().policy(policy).listFiles().contents(ELIXIR_FILES).comments([]).headCommit().createReview().updateCheckRun();

    await deliver(app.probot, "pull_request", pullRequestEvent("opened", pr));
    await app.drain();

    expect(github.scope.pendingMocks()).toStrictEqual([]);
    const comments = github.recorded.reviews[0].comments as Array<{ path: string; line: number; body: string }>;
    expect(comments.filter((c) => c.body.includes("`dynamic-atom`")).map((c) => `${c.path}:${c.line}`)).toEqual(["lib/shop/cart_server.ex:10", "lib/shop/cart_server.ex:13"]);
    const completed = github.recorded.checkRunUpdates[0]!.body;
    expect(completed.conclusion).toBe("failure");
    expect(completed.output.summary).not.toContain("· `dynamic-atom` —");
  });

  it("falls back to the organisation's .github repository", async () => {
    const github = new GitHubStandIn(pr)
      .installationToken()
      .createCheckRun()
      .policy(undefined, "fail_on: warning\n")
      .listFiles()
      .contents(ELIXIR_FILES)
      .comments([])
      .headCommit()
      .createReview()
      .updateCheckRun();

    await deliver(app.probot, "pull_request", pullRequestEvent("opened", pr));
    await app.drain();

    expect(github.scope.pendingMocks()).toStrictEqual([]);
    expect(github.recorded.checkRunUpdates[0]!.body.output.summary).toContain("Policy: acme/.github:.github/otp-review.yml.");
  });

  it("fails the check run with the file, line and key when the policy is invalid, and reviews nothing", async () => {
    const github = new GitHubStandIn(pr).installationToken().createCheckRun().policy("rules:\n  pg2-removed: fatal\n").updateCheckRun();

    await deliver(app.probot, "pull_request", pullRequestEvent("opened", pr));
    await app.drain();

    expect(github.scope.pendingMocks()).toStrictEqual([]);
    expect(github.recorded.reviews).toEqual([]);
    const completed = github.recorded.checkRunUpdates[0]!.body;
    expect(completed).toMatchObject({ status: "completed", conclusion: "failure", output: { title: "Invalid .github/otp-review.yml" } });
    expect(completed.output.summary).toContain("`acme/shop:.github/otp-review.yml@master` line 2, `rules.pg2-removed`:");
  });

  it("fails the check run quoting the line of a policy that is not valid YAML", async () => {
    const github = new GitHubStandIn(pr).installationToken().createCheckRun().policy("rules:\n  pg2-removed: error\n fail_on: [\n").updateCheckRun();

    await deliver(app.probot, "pull_request", pullRequestEvent("opened", pr));
    await app.drain();

    expect(github.scope.pendingMocks()).toStrictEqual([]);
    const completed = github.recorded.checkRunUpdates[0]!.body;
    expect(completed.conclusion).toBe("failure");
    expect(completed.output.summary).toMatch(/`acme\/shop:\.github\/otp-review\.yml@master` line 3: invalid YAML/);
  });

  it("layers a repository's file over the organisation's with `_extends: .github`", async () => {
    const orgPolicy = "fail_on: never\ncomments:\n  mode: annotations\n";
    const github = new GitHubStandIn(pr).installationToken().createCheckRun().policy("_extends: .github\nfail_on: error\n", orgPolicy).listFiles().contents(ELIXIR_FILES).headCommit().updateCheckRun();

    await deliver(app.probot, "pull_request", pullRequestEvent("opened", pr));
    await app.drain();

    expect(github.scope.pendingMocks()).toStrictEqual([]);
    expect(github.recorded.reviews).toEqual([]);
    const completed = github.recorded.checkRunUpdates[0]!.body;
    expect(completed.conclusion).toBe("failure");
    expect(completed.output.summary).toContain("Policy: acme/.github:.github/otp-review.yml, refined by acme/shop:.github/otp-review.yml@master.");
    expect(completed.output.summary).toContain("# fail_on: from acme/shop:.github/otp-review.yml@master\nfail_on: error");
    expect(completed.output.summary).toContain("# comments: from acme/.github:.github/otp-review.yml\ncomments:\n  mode: annotations");
    expect(completed.output.summary).toContain("# scope: from the defaults\nscope: added");
  });

  it("keeps comments in the check run with `comments.mode: annotations`, and leaves excluded paths alone", async () => {
    const policy = 'comments:\n  mode: annotations\npaths:\n  exclude: ["lib/shop/cluster.ex"]\n';
    const github = new GitHubStandIn(pr)
      .installationToken()
      .createCheckRun()
      .policy(policy)
      .listFiles()
      .contents(ELIXIR_FILES.filter((f) => f !== "lib/shop/cluster.ex"))
      .headCommit()
      .updateCheckRun();

    await deliver(app.probot, "pull_request", pullRequestEvent("opened", pr));
    await app.drain();

    expect(github.scope.pendingMocks()).toStrictEqual([]);
    expect(github.recorded.reviews).toEqual([]);
    const annotations = github.recorded.checkRunUpdates[0]!.body.output.annotations as Array<{ path: string }>;
    expect(annotations.length).toBeGreaterThan(0);
    expect(annotations.map((a) => a.path)).not.toContain("lib/shop/cluster.ex");
  });

  it("judges a pull request that weakens the policy by the default branch's, and validates the proposed file", async () => {
    pr.files = [...pr.files, { filename: ".github/otp-review.yml", status: "modified", patch: "@@ -1 +1 @@\n-fail_on: error\n+fail_on: never" }];
    pr.contents = { ...pr.contents, ".github/otp-review.yml": "fail_on: never\n" };
    const github = new GitHubStandIn(pr)
      .installationToken()
      .createCheckRun()
      .policy("fail_on: error\n")
      .listFiles()
      .contents([...ELIXIR_FILES, ".github/otp-review.yml"])
      .comments([])
      .headCommit()
      .createReview()
      .updateCheckRun();

    await deliver(app.probot, "pull_request", pullRequestEvent("synchronize", pr));
    await app.drain();

    expect(github.scope.pendingMocks()).toStrictEqual([]);
    const completed = github.recorded.checkRunUpdates[0]!.body;
    expect(completed.conclusion).toBe("failure");
    expect(completed.output.summary).toContain("`.github/otp-review.yml` is changed by this pull request: the new policy is valid, and applies once merged");
  });

  it("fails a pull request whose proposed policy is invalid, saying where", async () => {
    pr.files = [{ filename: ".github/otp-review.yml", status: "added", patch: "@@ -0,0 +1 @@\n+comments: { maxx: 3 }" }];
    pr.contents = { ".github/otp-review.yml": "comments: { maxx: 3 }\n" };
    const github = new GitHubStandIn(pr).installationToken().createCheckRun().policy().listFiles().contents([".github/otp-review.yml"]).comments([]).headCommit().updateCheckRun();

    await deliver(app.probot, "pull_request", pullRequestEvent("opened", pr));
    await app.drain();

    expect(github.scope.pendingMocks()).toStrictEqual([]);
    const completed = github.recorded.checkRunUpdates[0]!.body;
    expect(completed.conclusion).toBe("failure");
    expect(completed.output.summary).toContain("line 1, `comments.maxx`: unknown key `maxx`. Did you mean `max`? (the policy this pull request proposes is invalid)");
  });

  it("applies the organisation's enforced settings over a repository that lowers them, saying so", async () => {
    const orgPolicy = "enforce:\n  rules:\n    pg2-removed: error\n";
    const github = new GitHubStandIn(pr)
      .installationToken()
      .createCheckRun()
      .policy("rules:\n  pg2-removed: off\n", orgPolicy)
      .listFiles()
      .contents(ELIXIR_FILES)
      .comments([])
      .headCommit()
      .createReview()
      .updateCheckRun();

    await deliver(app.probot, "pull_request", pullRequestEvent("opened", pr));
    await app.drain();

    expect(rulesOf(github.recorded.reviews[0])).toContain("pg2-removed");
    expect(github.recorded.checkRunUpdates[0]!.body.output.summary).toContain(
      "`rules.pg2-removed: off` in acme/shop:.github/otp-review.yml@master is enforced up to `error` by acme/.github:.github/otp-review.yml",
    );
  });

  it("requests changes when the policy says so and the run fails", async () => {
    const github = new GitHubStandIn(pr)
      .installationToken()
      .createCheckRun()
      .policy("comments:\n  request_changes: true\n")
      .listFiles()
      .contents(ELIXIR_FILES)
      .comments([])
      .headCommit()
      .createReview()
      .updateCheckRun();

    await deliver(app.probot, "pull_request", pullRequestEvent("opened", pr));
    await app.drain();

    expect(github.recorded.reviews[0].event).toBe("REQUEST_CHANGES");
    expect(github.recorded.checkRunUpdates[0]!.body.conclusion).toBe("failure");
  });
});
