import { beforeEach, describe, expect, it } from "vitest";
import { closeTheNetwork, EXAMPLE_ELIXIR_FILES, examplePullRequest, GitHubStandIn, validated, type PullRequestData } from "../helpers/github-stand-in.js";
import { checkRunRerequested, pullRequestEvent, reviewCommentReply } from "../helpers/payloads.js";
import { APP_ID, createTestApp, deliver, type TestApp } from "../helpers/probot.js";
import { acceptedMarker, fingerprintsIn } from "../../src/report/marker.js";

let app: TestApp;
let pr: PullRequestData;

closeTheNetwork();

beforeEach(async () => {
  app = await createTestApp();
  pr = examplePullRequest();
});

/** The first review of the example pull request (its installation token is cached for the rest of the test): the comments the app posted, as GitHub lists them (ids 100…, by this app). */
async function firstReview(): Promise<Array<{ id: number; body: string; path: string; performed_via_github_app: { id: number } }>> {
  const github = new GitHubStandIn(pr).installationToken().createCheckRun().policy().listFiles().contents(EXAMPLE_ELIXIR_FILES).comments([]).headCommit().createReview().updateCheckRun();
  await deliver(app.probot, "pull_request", pullRequestEvent("opened", pr));
  await app.drain();
  expect(github.recorded.checkRunUpdates[0]!.body.conclusion).toBe("failure");
  return github.recorded.reviews[0].comments.map((c: { body: string; path: string }, i: number) => ({ id: 100 + i, body: c.body, path: c.path, performed_via_github_app: { id: APP_ID } }));
}

/** The thread's first comment, as `pulls.getReviewComment` answers; a permission; the reply, the reaction and the GraphQL resolve, recorded. */
function conversation(github: GitHubStandIn, parent: { id: number; body: string; performed_via_github_app?: { id: number } }, permission?: string) {
  const recorded = { replies: [] as string[], reactions: [] as string[] };
  github.scope.get(`${github.repoPath}/pulls/comments/${parent.id}`).reply(200, { ...parent, path: "lib/shop/cluster.ex", line: 5 });
  if (permission) github.scope.get(`${github.repoPath}/collaborators/maintainer/permission`).reply(200, { permission, role_name: permission, user: { login: "maintainer" } });
  github.scope
    .post(`${github.repoPath}/pulls/${pr.number}/comments/${parent.id}/replies`)
    .optionally()
    .reply((_uri, body) => {
      recorded.replies.push((body as { body: string }).body);
      return validated("pulls/create-reply-for-review-comment", body) ?? [201, { id: 500, body: (body as { body: string }).body }];
    });
  github.scope
    .post(/\/pulls\/comments\/\d+\/reactions$/)
    .optionally()
    .reply((_uri, body) => {
      recorded.reactions.push((body as { content: string }).content);
      return validated("reactions/create-for-pull-request-review-comment", body) ?? [201, { id: 1, content: (body as { content: string }).content }];
    });
  return recorded;
}

const reply = (body: string, extra: Partial<Parameters<typeof reviewCommentReply>[1]> = {}) => reviewCommentReply(pr, { id: 400, inReplyTo: 101, body, user: "maintainer", ...extra });

describe("replying to a finding", () => {
  it("`@otp-review ignore <reason>` from someone with write access: acknowledged, the thread resolved, and the next run passes with the finding listed as accepted", async () => {
    const posted = await firstReview();
    const pg2 = posted.find((c) => c.path === "lib/shop/cluster.ex")!;
    const github = new GitHubStandIn(pr).policy();
    const said = conversation(github, pg2, "write");
    github.graphql([{ id: "THREAD_PG2", commentId: pg2.id }]);
    // The review that follows: every earlier comment is there, with the app's acceptance in the thread.
    const accepted = () => ({ id: 500, path: pg2.path, body: said.replies[0]!, performed_via_github_app: { id: APP_ID } });
    github.createCheckRun().policy().listFiles().contents(EXAMPLE_ELIXIR_FILES);
    github.scope
      .get(`${github.repoPath}/pulls/${pr.number}/comments`)
      .query({ per_page: "100" })
      .reply(200, () => [...posted, accepted()]);
    github.headCommit().updateCheckRun();

    await deliver(app.probot, "pull_request_review_comment", reply(`@otp-review ignore OTP 23 nodes still in the cluster until March`, { inReplyTo: pg2.id }));
    await app.drain();

    expect(github.scope.pendingMocks()).toStrictEqual([]);
    expect(said.replies).toHaveLength(1);
    expect(said.replies[0]).toMatch(/^✅ Accepted by @maintainer: OTP 23 nodes still in the cluster until March\n/);
    expect(said.replies[0]).toMatch(/<!-- otp-review:accepted fingerprint=[0-9a-f]{16} by=maintainer reason=OTP%2023%20nodes/);
    expect(said.reactions).toEqual(["+1"]);
    expect(github.recorded.resolvedThreads).toEqual(["THREAD_PG2"]);
    const completed = github.recorded.checkRunUpdates[0]!.body;
    expect(completed.conclusion).toBe("success");
    expect(completed.output.summary).toContain("**Accepted** (1)");
    expect(completed.output.summary).toContain("- `pg2-removed` at `lib/shop/cluster.ex:5`, accepted by @maintainer: OTP 23 nodes still in the cluster until March");
  });

  it("`ignore` without a reason: the app says how to give one, and accepts nothing", async () => {
    const posted = await firstReview();
    const github = new GitHubStandIn(pr);
    const said = conversation(github, posted[1]!);

    await deliver(app.probot, "pull_request_review_comment", reply("@otp-review ignore", { inReplyTo: posted[1]!.id }));
    await app.drain();

    expect(github.scope.pendingMocks()).toStrictEqual([]);
    expect(said.replies).toEqual([expect.stringContaining("say why: `@otp-review ignore <reason>`")]);
    expect(said.reactions).toEqual([]);
  });

  it("`ignore` from someone who cannot write: GitHub is asked, the app says so, the finding stays", async () => {
    const posted = await firstReview();
    const github = new GitHubStandIn(pr);
    const said = conversation(github, posted[1]!, "read");

    await deliver(app.probot, "pull_request_review_comment", reply("@otp-review ignore looks fine to me", { inReplyTo: posted[1]!.id }));
    await app.drain();

    expect(github.scope.pendingMocks()).toStrictEqual([]);
    expect(said.replies).toEqual([expect.stringContaining("Only people who can write to this repository can accept a finding (GitHub says your access is `read`)")]);
  });

  it("`ignore` of a rule the organisation enforces: the app says it cannot be accepted here", async () => {
    const posted = await firstReview();
    const pg2 = posted.find((c) => c.path === "lib/shop/cluster.ex")!;
    const github = new GitHubStandIn(pr).policy(undefined, "enforce:\n  rules:\n    pg2-removed: error\n");
    const said = conversation(github, pg2, "admin");

    await deliver(app.probot, "pull_request_review_comment", reply("@otp-review ignore we know", { inReplyTo: pg2.id }));
    await app.drain();

    expect(github.scope.pendingMocks()).toStrictEqual([]);
    expect(said.replies).toEqual([expect.stringContaining("The organisation's policy enforces `pg2-removed`")]);
    expect(said.reactions).toEqual([]);
  });

  it("`@otp-review explain`: the rule's reason, principle and a fix example, in the thread", async () => {
    const posted = await firstReview();
    const pg2 = posted.find((c) => c.path === "lib/shop/cluster.ex")!;
    const github = new GitHubStandIn(pr);
    const said = conversation(github, pg2);

    await deliver(app.probot, "pull_request_review_comment", reply("@otp-review explain", { inReplyTo: pg2.id }));
    await app.drain();

    expect(said.replies).toEqual([expect.stringMatching(/^\*\*`pg2-removed`\*\* — [^]*```elixir\n[^]*:pg\.join/)]);
    // Starting from this case: the finding's own advice and its one-click fix.
    expect(said.replies[0]).toContain("**Here:** `:pg2.join` was removed in OTP 24");
    expect(said.replies[0]).toContain("The fix here:\n\n```elixir\n    :pg.join(group, self())\n```");
  });

  it("ignores its own comments, other bots', comments that are not replies, and replies to comments that are not its findings", async () => {
    const posted = await firstReview();
    const someoneElses = { id: 300, body: "nit: naming", path: "lib/shop/cluster.ex" };
    const github = new GitHubStandIn(pr);
    github.scope.get(`${github.repoPath}/pulls/comments/300`).reply(200, someoneElses);

    await deliver(app.probot, "pull_request_review_comment", reply("@otp-review ignore loop", { user: "otp-review[bot]", type: "Bot", appId: APP_ID, inReplyTo: posted[0]!.id }));
    await deliver(app.probot, "pull_request_review_comment", reply("@otp-review ignore bots", { user: "dependabot[bot]", type: "Bot", inReplyTo: posted[0]!.id }));
    await deliver(app.probot, "pull_request_review_comment", reply("@otp-review ignore not a reply", { inReplyTo: undefined }));
    await deliver(app.probot, "pull_request_review_comment", reply("@otp-review ignore your nit", { inReplyTo: 300 }));
    await app.drain();

    // Only the one reply to a comment was looked up; nothing was written.
    expect(github.scope.pendingMocks()).toStrictEqual([]);
  });

  it("an acceptance survives a later push, a re-run and a restart, and only the app's own record of it counts", async () => {
    const posted = await firstReview();
    const pg2 = posted.find((c) => c.path === "lib/shop/cluster.ex")!;
    const [fingerprint] = fingerprintsIn([pg2.body]);
    const record = `✅ Accepted by @maintainer: legacy ${acceptedMarker({ fingerprint: fingerprint!, by: "maintainer", reason: "legacy" })}`;
    const pushed = { ...pr, headSha: "f".repeat(40) };
    const byTheApp = new GitHubStandIn(pushed)
      .createCheckRun()
      .policy()
      .listFiles()
      .contents(EXAMPLE_ELIXIR_FILES)
      .comments([...posted, { id: 500, path: pg2.path, body: record, performed_via_github_app: { id: APP_ID } }])
      .headCommit()
      .updateCheckRun();

    await deliver(app.probot, "pull_request", pullRequestEvent("synchronize", pushed));
    await app.drain();
    expect(byTheApp.recorded.checkRunUpdates[0]!.body.conclusion).toBe("success");

    // A restarted server (nothing in memory) re-running the check reads the same decision from GitHub.
    const restarted = await createTestApp();
    const rerun = new GitHubStandIn(pushed)
      .installationToken()
      .createCheckRun()
      .policy()
      .listFiles()
      .contents(EXAMPLE_ELIXIR_FILES)
      .comments([...posted, { id: 500, path: pg2.path, body: record, performed_via_github_app: { id: APP_ID } }])
      .headCommit()
      .updateCheckRun();
    await deliver(restarted.probot, "check_run", checkRunRerequested(pushed, APP_ID));
    await restarted.drain();
    expect(rerun.scope.pendingMocks()).toStrictEqual([]);
    expect(rerun.recorded.checkRunUpdates[0]!.body.conclusion).toBe("success");

    // The same text pasted by a person is not an acceptance: the marker is plain text anyone could write.
    const pasted = { ...pr, headSha: "a".repeat(40) };
    const byAPerson = new GitHubStandIn(pasted)
      .createCheckRun()
      .policy()
      .listFiles()
      .contents(EXAMPLE_ELIXIR_FILES)
      .comments([...posted, { id: 501, path: pg2.path, body: record, performed_via_github_app: null }])
      .headCommit()
      .updateCheckRun();
    await deliver(app.probot, "pull_request", pullRequestEvent("synchronize", pasted));
    await app.drain();
    expect(byAPerson.recorded.checkRunUpdates[0]!.body.conclusion).toBe("failure");
  });

  it("`@otp-review review`: the head is reviewed again, and nothing already said is said twice", async () => {
    const posted = await firstReview();
    const github = new GitHubStandIn(pr);
    const said = conversation(github, posted[0]!);
    github.createCheckRun().policy().listFiles().contents(EXAMPLE_ELIXIR_FILES).comments(posted).headCommit().updateCheckRun();

    await deliver(app.probot, "pull_request_review_comment", reply("@otp-review review", { inReplyTo: posted[0]!.id }));
    await app.drain();

    expect(github.scope.pendingMocks()).toStrictEqual([]);
    expect(said.replies).toEqual([]);
    expect(github.recorded.reviews).toEqual([]);
    expect(github.recorded.checkRunUpdates[0]!.body).toMatchObject({ status: "completed", conclusion: "failure" });
  });
});
