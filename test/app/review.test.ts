import { beforeEach, describe, expect, it } from "vitest";
import { rightSideLines } from "../helpers/diff-lines.js";
import { closeTheNetwork, EXAMPLE_ELIXIR_FILES, examplePullRequest, GitHubStandIn, type PullRequestData } from "../helpers/github-stand-in.js";
import { checkRunRequestedAction, checkRunRerequested, pullRequestEvent } from "../helpers/payloads.js";
import { APP_ID, createTestApp, deliver, type TestApp } from "../helpers/probot.js";
import { rules } from "../../rules/index.js";
import { analyseSource } from "../../src/engine/analyse.js";
import { fingerprintMarker } from "../../src/report/marker.js";

const ELIXIR_FILES = EXAMPLE_ELIXIR_FILES;

/** What the example pull request must get: the findings on its added lines, nothing on unchanged ones. */
const EXPECTED_COMMENTS = [
  "lib/shop/cart_server.ex:13 dynamic-atom",
  "lib/shop/cluster.ex:5 pg2-removed",
  "lib/shop/dashboard.ex:11 task-async-unsupervised",
  "lib/shop/pricing.ex:3 genserver-stateless",
];

/** Medium-confidence findings: listed in the check run, never commented, never failing. */
const EXPECTED_LISTED = ["lib/shop/cart_server.ex:6` · `dynamic-atom-process-name", "lib/shop/cart_server.ex:10` · `dynamic-atom"];

let app: TestApp;
let pr: PullRequestData;

closeTheNetwork();

beforeEach(async () => {
  app = await createTestApp();
  pr = examplePullRequest();
});

function ruleOf(body: string): string {
  return /· `([a-z0-9-]+)`/.exec(body)?.[1] ?? "?";
}

/** Every request a first review of the example PR makes. */
function firstReview(github: GitHubStandIn, existingComments: string[] = []): GitHubStandIn {
  return github.installationToken().createCheckRun().policy().listFiles().contents(ELIXIR_FILES).comments(existingComments).headCommit().updateCheckRun();
}

describe("a pull request opened with Elixir changes", () => {
  it("gets one review with a line comment per finding on its added lines, and a failing check run", async () => {
    const github = firstReview(new GitHubStandIn(pr)).createReview();

    await deliver(app.probot, "pull_request", pullRequestEvent("opened", pr));
    await app.drain();

    expect(github.scope.pendingMocks()).toStrictEqual([]);
    const [created] = github.recorded.checkRunCreates;
    expect(created).toMatchObject({ name: "OTP Review", head_sha: pr.headSha, status: "in_progress" });

    expect(github.recorded.contentRequests.map((r) => r.path).sort()).toEqual(ELIXIR_FILES);
    for (const request of github.recorded.contentRequests) {
      expect(request.ref).toBe(pr.headSha);
      expect(request.accept).toContain("raw");
    }

    expect(github.recorded.reviews).toHaveLength(1);
    const review = github.recorded.reviews[0];
    expect(review).toMatchObject({ commit_id: pr.headSha, event: "COMMENT" });
    expect(review.comments.map((c: any) => `${c.path}:${c.line} ${ruleOf(c.body)}`)).toEqual(EXPECTED_COMMENTS);
    for (const comment of review.comments) {
      expect(comment.side).toBe("RIGHT");
      expect(comment).not.toHaveProperty("position");
      expect(comment.body).toContain("GENSERVER IS A BOTTLENECK BY DESIGN");
      // No docs URL set: the comment stands on its own, with the why and a fix example folded in.
      expect(comment.body).toMatch(/<details><summary>Why<\/summary>\n\n\S[^]*```elixir\n[^]+\n```\n\n<\/details>/);
      expect(comment.body).not.toContain("Rule documentation");
      expect(comment.body).toMatch(/<!-- otp-review:fingerprint=[0-9a-f]{16} -->/);
    }

    const pg2 = review.comments.find((c: { path: string }) => c.path === "lib/shop/cluster.ex");
    expect(pg2.body).toContain("```suggestion\n    :pg.join(group, self())\n```");

    const [completed] = github.recorded.checkRunUpdates;
    expect(completed!.id).toBe(9000);
    expect(completed!.body).toMatchObject({ status: "completed", conclusion: "failure", output: { title: "4 findings: 1 error, 3 warnings" } });
    expect(completed!.body.output.summary).toContain("| `pg2-removed` | error |");
    expect(completed!.body.output.summary).toContain("2 lower-confidence findings");
    for (const listed of EXPECTED_LISTED) expect(completed!.body.output.summary).toContain(listed);
    expect(completed!.body.output.annotations).toHaveLength(EXPECTED_COMMENTS.length);
    expect(completed!.body.output.annotations[0]).toMatchObject({ path: "lib/shop/cart_server.ex", start_line: 13, end_line: 13, annotation_level: "warning", title: "dynamic-atom" });
  });

  it("never places a comment on a line outside the file's diff", async () => {
    const github = firstReview(new GitHubStandIn(pr)).createReview();

    await deliver(app.probot, "pull_request", pullRequestEvent("opened", pr));
    await app.drain();

    const patches = new Map(pr.files.map((f) => [f.filename, f.patch ?? ""]));
    const comments = github.recorded.reviews[0].comments as Array<{ path: string; line: number }>;
    expect(comments.length).toBeGreaterThan(0);
    for (const comment of comments) {
      const { added, commentable } = rightSideLines(patches.get(comment.path)!);
      expect(commentable.has(comment.line), `${comment.path}:${comment.line} is outside the diff`).toBe(true);
      expect(added.has(comment.line), `${comment.path}:${comment.line} was not added by the PR`).toBe(true);
    }
  });
});

describe("no duplicates", () => {
  it("posts nothing new when the same delivery arrives twice", async () => {
    const github = new GitHubStandIn(pr);
    firstReview(github).createReview();
    const delivery = pullRequestEvent("opened", pr);
    await deliver(app.probot, "pull_request", delivery, "same-delivery");
    await app.drain();
    const posted = github.recorded.reviews[0].comments.map((c: any) => c.body);

    github.createCheckRun().policy().listFiles().contents(ELIXIR_FILES).comments(posted).headCommit().updateCheckRun();
    await deliver(app.probot, "pull_request", delivery, "same-delivery");
    await app.drain();

    expect(github.scope.pendingMocks()).toStrictEqual([]);
    expect(github.recorded.reviews).toHaveLength(1);
    expect(github.recorded.checkRunUpdates.map((u) => u.body.status)).toEqual(["completed", "completed"]);
  });

  it("does not comment again on a finding that a later push moved down the file", async () => {
    const github = firstReview(new GitHubStandIn(pr)).createReview();
    await deliver(app.probot, "pull_request", pullRequestEvent("opened", pr));
    await app.drain();
    const posted: string[] = github.recorded.reviews[0].comments.map((c: any) => c.body);

    // The next push adds two lines at the top of cluster.ex: the :pg2 call moves from line 5 to 7.
    const pushed = { ...pr, headSha: "b".repeat(40) };
    const cluster = pushed.files.find((f) => f.filename === "lib/shop/cluster.ex")!;
    pushed.contents = { ...pr.contents, "lib/shop/cluster.ex": `# Cluster helpers.\n# Owned by the platform team.\n${pr.contents["lib/shop/cluster.ex"]}` };
    pushed.files = pushed.files.map((f) =>
      f === cluster
        ? {
            ...f,
            patch:
              '@@ -1,7 +1,13 @@\n+# Cluster helpers.\n+# Owned by the platform team.\n defmodule Shop.Cluster do\n   @moduledoc "Cluster membership for cart processes."\n \n+  def join(group) do\n+    :pg2.join(group, self())\n+  end\n+\n   def members(group) do\n     :pg.get_members(group)\n   end',
          }
        : f,
    );
    const next = new GitHubStandIn(pushed).createCheckRun().policy().listFiles().contents(ELIXIR_FILES).comments(posted).headCommit().updateCheckRun();

    await deliver(app.probot, "pull_request", pullRequestEvent("synchronize", pushed));
    await app.drain();

    expect(next.scope.pendingMocks()).toStrictEqual([]);
    expect(next.recorded.reviews).toEqual([]);
    const annotations = next.recorded.checkRunUpdates[0]!.body.output.annotations;
    expect(annotations.find((a: any) => a.title === "pg2-removed")).toMatchObject({ path: "lib/shop/cluster.ex", start_line: 7 });
  });
});

describe("a finding fixed by a later push", () => {
  /** The pull request after a push that removed the :pg2 call, with our earlier comment on it. */
  function fixedPush(): { pushed: PullRequestData; comment: { body: string; path: string } } {
    const cluster = "lib/shop/cluster.ex";
    const before = pr.contents[cluster]!;
    const [finding] = analyseSource(cluster, before, rules).findings.filter((f) => f.ruleId === "pg2-removed");
    const comment = { body: `old comment\n${fingerprintMarker(finding!.fingerprint)}`, path: cluster };
    const pushed = { ...pr, headSha: "d".repeat(40), contents: { ...pr.contents, [cluster]: before.replace(":pg2.join(group, self())", ":pg.join(group, self())") } };
    return { pushed, comment };
  }

  it("has its thread resolved", async () => {
    const { pushed, comment } = fixedPush();
    const github = new GitHubStandIn(pushed)
      .installationToken()
      .createCheckRun()
      .policy()
      .listFiles()
      .contents(ELIXIR_FILES)
      .comments([comment])
      .headCommit()
      .graphql([{ id: "THREAD_1", commentId: 100 }])
      .createReview()
      .updateCheckRun();

    await deliver(app.probot, "pull_request", pullRequestEvent("synchronize", pushed));
    await app.drain();

    expect(github.scope.pendingMocks()).toStrictEqual([]);
    expect(github.recorded.resolvedThreads).toEqual(["THREAD_1"]);
    expect(github.recorded.commentUpdates).toEqual([]);
  });

  it("has its comment edited to say so where GraphQL is unavailable, and never deleted", async () => {
    const { pushed, comment } = fixedPush();
    const github = new GitHubStandIn(pushed)
      .installationToken()
      .createCheckRun()
      .policy()
      .listFiles()
      .contents(ELIXIR_FILES)
      .comments([comment])
      .headCommit()
      .graphql("unavailable")
      .updateComment(100)
      .createReview()
      .updateCheckRun();

    await deliver(app.probot, "pull_request", pullRequestEvent("synchronize", pushed));
    await app.drain();

    expect(github.scope.pendingMocks()).toStrictEqual([]);
    expect(github.recorded.commentUpdates).toEqual([
      { id: 100, body: { body: expect.stringMatching(/^✅ \*\*Fixed\*\* in ddddddd: this finding no longer appears\. <!-- otp-review:fixed -->\n\n---\n\nold comment/) } },
    ]);
  });

  it("is not edited (GraphQL is there, only failing), and the run says the comments stay open", async () => {
    const { pushed, comment } = fixedPush();
    const github = new GitHubStandIn(pushed)
      .installationToken()
      .createCheckRun()
      .policy()
      .listFiles()
      .contents(ELIXIR_FILES)
      .comments([comment])
      .headCommit()
      .graphql("failing")
      .createReview()
      .updateCheckRun();

    await deliver(app.probot, "pull_request", pullRequestEvent("synchronize", pushed));
    await app.drain();

    expect(github.scope.pendingMocks()).toStrictEqual([]);
    expect(github.recorded.commentUpdates).toEqual([]);
    expect(github.recorded.checkRunUpdates.at(-1)!.body.output.summary).toMatch(/could not be marked as fixed \(.*\); they stay open until the next push/);
  });
});

describe("the check run always completes", () => {
  it("succeeds with 'No Elixir files changed' when the PR touches no Elixir file", async () => {
    pr.files = pr.files.filter((f) => f.filename === "README.md");
    const github = new GitHubStandIn(pr).installationToken().createCheckRun().policy().listFiles().comments([]).headCommit().updateCheckRun();

    await deliver(app.probot, "pull_request", pullRequestEvent("opened", pr));
    await app.drain();

    expect(github.scope.pendingMocks()).toStrictEqual([]);
    expect(github.recorded.contentRequests).toEqual([]);
    expect(github.recorded.checkRunUpdates[0]!.body).toMatchObject({ status: "completed", conclusion: "success", output: { title: "No Elixir files changed", annotations: [] } });
  });

  it("completes as neutral with the reason when GitHub answers 5xx", async () => {
    const github = new GitHubStandIn(pr).installationToken().createCheckRun().policy().updateCheckRun();
    github.scope.get(`${github.repoPath}/pulls/${pr.number}/files`).query(true).reply(502, { message: "Server Error" });

    await deliver(app.probot, "pull_request", pullRequestEvent("opened", pr));
    await app.drain();

    expect(github.scope.pendingMocks()).toStrictEqual([]);
    const completed = github.recorded.checkRunUpdates[0]!.body;
    expect(completed).toMatchObject({ status: "completed", conclusion: "neutral", output: { title: "Review could not finish" } });
    expect(completed.output.summary).toContain("Server Error");
  });

  it("still completes with every finding when GitHub rejects the review", async () => {
    const github = firstReview(new GitHubStandIn(pr)).createReview(422);

    await deliver(app.probot, "pull_request", pullRequestEvent("opened", pr));
    await app.drain();

    expect(github.scope.pendingMocks()).toStrictEqual([]);
    const completed = github.recorded.checkRunUpdates[0]!.body;
    expect(completed).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(completed.output.annotations).toHaveLength(EXPECTED_COMMENTS.length);
    expect(completed.output.summary).toContain("the line comments could not be posted");
  });

  it("completes the run with the reason when GitHub refuses the full report", async () => {
    const github = new GitHubStandIn(pr).installationToken().createCheckRun().policy().listFiles().contents(ELIXIR_FILES).comments([]).headCommit().createReview();
    github.refuseCheckRunUpdate(422, "Invalid annotation").updateCheckRun();

    await deliver(app.probot, "pull_request", pullRequestEvent("opened", pr));
    await app.drain();

    expect(github.scope.pendingMocks()).toStrictEqual([]);
    expect(github.recorded.checkRunUpdates).toHaveLength(1);
    const completed = github.recorded.checkRunUpdates[0]!.body;
    expect(completed).toMatchObject({ status: "completed", conclusion: "neutral" });
    expect(completed.output.summary).toContain("the report could not be saved (Invalid annotation");
  });

  it("reports a file it could not read, and reviews the rest", async () => {
    delete pr.contents["lib/shop/pricing.ex"];
    const github = firstReview(new GitHubStandIn(pr)).createReview();

    await deliver(app.probot, "pull_request", pullRequestEvent("opened", pr));
    await app.drain();

    const completed = github.recorded.checkRunUpdates[0]!.body;
    expect(completed.conclusion).toBe("failure");
    expect(completed.output.summary).toMatch(/`lib\/shop\/pricing\.ex` could not be read/);
    expect(github.recorded.reviews[0].comments).toHaveLength(EXPECTED_COMMENTS.length - 1);
  });
});

describe("large pull requests", () => {
  it("pages through the file list 100 at a time", async () => {
    const filler = Array.from({ length: 230 }, (_, i) => ({ filename: `docs/page-${i}.md`, status: "added", patch: "@@ -0,0 +1 @@\n+text" }));
    pr.files = [...filler, ...pr.files];
    const github = firstReview(new GitHubStandIn(pr)).createReview();

    await deliver(app.probot, "pull_request", pullRequestEvent("opened", pr));
    await app.drain();

    expect(github.scope.pendingMocks()).toStrictEqual([]);
    expect(github.recorded.fileListPages).toEqual(["1", "2", "3"]);
    expect(github.recorded.reviews[0].comments).toHaveLength(EXPECTED_COMMENTS.length);
  });

  it("analyses files whose patch GitHub left out, reporting their findings in the check run only", async () => {
    pr.files = pr.files.map((f) => (f.filename === "lib/shop/cluster.ex" ? { ...f, patch: undefined } : f));
    const github = firstReview(new GitHubStandIn(pr)).createReview();

    await deliver(app.probot, "pull_request", pullRequestEvent("opened", pr));
    await app.drain();

    const commented = github.recorded.reviews[0].comments.map((c: any) => c.path);
    expect(commented).not.toContain("lib/shop/cluster.ex");
    const completed = github.recorded.checkRunUpdates[0]!.body;
    expect(completed.output.annotations.map((a: any) => a.path)).toContain("lib/shop/cluster.ex");
    expect(completed.output.summary).toContain("`lib/shop/cluster.ex` has a diff too large for GitHub to show");
  });

  it("sends annotations 50 per request, completing the run with the last batch", async () => {
    const body = Array.from({ length: 120 }, (_, i) => `  def f${i}(x), do: (Task.async(fn -> x end); :ok)`).join("\n");
    const source = `defmodule Shop.Many do\n${body}\nend\n`;
    const patch = `@@ -0,0 +1,${source.split("\n").length - 1} @@\n${source
      .trimEnd()
      .split("\n")
      .map((l) => `+${l}`)
      .join("\n")}`;
    pr.files = [{ filename: "lib/shop/many.ex", status: "added", patch }];
    pr.contents = { "lib/shop/many.ex": source };
    const github = new GitHubStandIn(pr).installationToken().createCheckRun().policy().listFiles().contents(["lib/shop/many.ex"]).comments([]).headCommit().createReview().updateCheckRun(3);

    await deliver(app.probot, "pull_request", pullRequestEvent("opened", pr));
    await app.drain();

    expect(github.scope.pendingMocks()).toStrictEqual([]);
    const updates = github.recorded.checkRunUpdates.map((u) => u.body);
    expect(updates.map((u) => u.output.annotations.length)).toEqual([50, 50, 20]);
    expect(updates.map((u) => u.status)).toEqual([undefined, undefined, "completed"]);
    expect(updates[2]).toMatchObject({ conclusion: "success" });
    expect(github.recorded.reviews[0].comments).toHaveLength(25);
    expect(github.recorded.reviews[0].body).toContain("95 more, less severe, are only in the check run");
  });

  it("keeps inline comments to 25, the most severe first, in source order", async () => {
    const warnings = Array.from({ length: 30 }, (_, i) => `  def f${i}(x), do: (Task.async(fn -> x end); :ok)`);
    const source = `defmodule Shop.Many do\n${warnings.join("\n")}\n  def join(g), do: :pg2.join(g, self())\nend\n`;
    const lines = source.trimEnd().split("\n");
    pr.files = [{ filename: "lib/shop/many.ex", status: "added", patch: `@@ -0,0 +1,${lines.length} @@\n${lines.map((l) => `+${l}`).join("\n")}` }];
    pr.contents = { "lib/shop/many.ex": source };
    const github = new GitHubStandIn(pr).installationToken().createCheckRun().policy().listFiles().contents(["lib/shop/many.ex"]).comments([]).headCommit().createReview().updateCheckRun();

    await deliver(app.probot, "pull_request", pullRequestEvent("opened", pr));
    await app.drain();

    const comments = github.recorded.reviews[0].comments as Array<{ line: number; body: string }>;
    expect(comments).toHaveLength(25);
    expect(comments.at(-1)).toMatchObject({ line: 32 });
    expect(ruleOf(comments.at(-1)!.body)).toBe("pg2-removed");
    expect(comments.map((c) => c.line)).toEqual([...comments.map((c) => c.line)].sort((a, b) => a - b));
    expect(github.recorded.checkRunUpdates[0]!.body.output.annotations).toHaveLength(31);
  });
});

describe("a head that moved", () => {
  it("posts nothing for a commit that is no longer the head, and completes its run as superseded", async () => {
    const newer = "c".repeat(40);
    const github = new GitHubStandIn(pr).installationToken().createCheckRun().policy().listFiles().contents(ELIXIR_FILES).headCommit(newer).updateCheckRun();

    await deliver(app.probot, "pull_request", pullRequestEvent("synchronize", pr));
    await app.drain();

    expect(github.scope.pendingMocks()).toStrictEqual([]);
    expect(github.recorded.reviews).toEqual([]);
    expect(github.recorded.checkRunUpdates[0]!.body).toMatchObject({ status: "completed", conclusion: "neutral", output: { title: "Superseded by ccccccc" } });
  });
});

describe("a push while the older commit's review is running", () => {
  it("stops the older review before it reads a file, completes its run as superseded by the newer commit, and reviews the newer one", async () => {
    let githubAnswers!: () => void;
    const slowGitHub = new Promise<void>((resolve) => (githubAnswers = resolve));
    const newer: PullRequestData = { ...examplePullRequest(), headSha: "d".repeat(40) };
    const older = new GitHubStandIn(pr).installationToken().createCheckRun().policy().listFiles(100, slowGitHub).updateCheckRun();

    await deliver(app.probot, "pull_request", pullRequestEvent("opened", pr));
    while (older.recorded.fileListPages.length === 0) await new Promise((r) => setTimeout(r, 5));
    // The installation token is cached: the newer review does not ask for another.
    const newerReview = new GitHubStandIn(newer).createCheckRun().policy().listFiles().contents(ELIXIR_FILES).comments([]).headCommit().updateCheckRun().createReview();
    await deliver(app.probot, "pull_request", pullRequestEvent("synchronize", newer));
    githubAnswers();
    await app.drain();

    expect(older.scope.pendingMocks()).toStrictEqual([]);
    expect(newerReview.scope.pendingMocks()).toStrictEqual([]);
    expect(older.recorded.contentRequests).toEqual([]);
    expect(older.recorded.reviews).toEqual([]);
    expect(older.recorded.checkRunUpdates[0]!.body).toMatchObject({ status: "completed", conclusion: "neutral", output: { title: "Superseded by ddddddd" } });
    expect(older.recorded.checkRunUpdates[0]!.body.output.summary).toContain(`The pull request moved to ${newer.headSha}`);
    expect(newerReview.recorded.reviews).toHaveLength(1);
    expect(newerReview.recorded.reviews[0]).toMatchObject({ commit_id: newer.headSha });
    expect(newerReview.recorded.checkRunCreates[0]).toMatchObject({ head_sha: newer.headSha });
  });
});

describe("re-runs", () => {
  it("reviews the commit again when the run's Re-run review button is pressed, and ignores other buttons", async () => {
    const github = firstReview(new GitHubStandIn(pr)).createReview();

    await deliver(app.probot, "check_run", checkRunRequestedAction(pr, APP_ID, "something-else"));
    await deliver(app.probot, "check_run", checkRunRequestedAction(pr, APP_ID, "rerun"));
    await app.drain();

    expect(github.scope.pendingMocks()).toStrictEqual([]);
    expect(github.recorded.checkRunCreates).toHaveLength(1);
    expect(github.recorded.reviews[0].comments).toHaveLength(EXPECTED_COMMENTS.length);
  });

  it("reviews the commit again when our check run is re-requested", async () => {
    const github = firstReview(new GitHubStandIn(pr)).createReview();

    await deliver(app.probot, "check_run", checkRunRerequested(pr, APP_ID));
    await app.drain();

    expect(github.scope.pendingMocks()).toStrictEqual([]);
    expect(github.recorded.checkRunCreates[0]).toMatchObject({ head_sha: pr.headSha, name: "OTP Review" });
    expect(github.recorded.reviews[0].commit_id).toBe(pr.headSha);
  });

  it("reviews the commit again when our check suite is re-requested", async () => {
    const github = firstReview(new GitHubStandIn(pr)).createReview();
    const payload = checkRunRerequested(pr, APP_ID);
    const suite = { id: 5, head_sha: pr.headSha, app: payload["check_run"].app, pull_requests: payload["check_run"].pull_requests, status: "completed", conclusion: "failure" };

    await deliver(app.probot, "check_suite", { action: "rerequested", check_suite: suite, repository: payload["repository"], sender: payload["sender"], installation: payload["installation"] });
    await app.drain();

    expect(github.scope.pendingMocks()).toStrictEqual([]);
    expect(github.recorded.reviews[0].commit_id).toBe(pr.headSha);
  });

  it("ignores re-requests of another app's check run", async () => {
    const github = new GitHubStandIn(pr);

    await deliver(app.probot, "check_run", checkRunRerequested(pr, APP_ID + 1));
    await app.drain();

    expect(github.recorded).toEqual({ checkRunCreates: [], checkRunUpdates: [], reviews: [], commentUpdates: [], resolvedThreads: [], contentRequests: [], fileListPages: [] });
  });

  it("finds the pull request of a re-requested run that names none (a fork's)", async () => {
    const github = firstReview(new GitHubStandIn(pr)).createReview();
    github.scope.get(`${github.repoPath}/commits/${pr.headSha}/pulls`).reply(200, [{ number: pr.number, state: "open", head: { sha: pr.headSha } }]);

    await deliver(app.probot, "check_run", checkRunRerequested(pr, APP_ID, []));
    await app.drain();

    expect(github.scope.pendingMocks()).toStrictEqual([]);
    expect(github.recorded.reviews).toHaveLength(1);
  });
});
