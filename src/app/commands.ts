import type { Probot } from "probot";
import { parsePolicy } from "../config/parse.js";
import type { Rule } from "../engine/rule.js";
import { ruleInfo } from "../engine/rule.js";
import { gitHubPlatform, resolveThreadOf } from "../github/pull-request-platform.js";
import type { GitHub } from "../github/octokit.js";
import type { ReviewQueue } from "../queue/review-queue.js";
import { acceptedMarker, fingerprintsIn } from "../report/marker.js";

/** What a reply to one of our comments may ask, in its own words. */
export type Command = { verb: "ignore"; reason: string } | { verb: "explain" } | { verb: "review" };

const COMMAND = /(?:^|\s)@otp-review\s+(ignore|dismiss|explain|review)\b[ \t]*([^\n]*)/i;

export function parseCommand(body: string): Command | null {
  const match = COMMAND.exec(body);
  if (!match) return null;
  const verb = match[1]!.toLowerCase();
  if (verb === "explain" || verb === "review") return { verb };
  return { verb: "ignore", reason: match[2]!.trim() };
}

/** Who may accept a finding: people GitHub says can write to the repository. */
const MAY_ACCEPT = new Set(["admin", "maintain", "write"]);

interface CommentPayload {
  id: number;
  body: string;
  in_reply_to_id?: number | null;
  user: { login: string; type: string } | null;
  performed_via_github_app?: { id: number } | null;
}

/**
 * Replies to our line comments (`pull_request_review_comment.created`): `@otp-review ignore
 * <reason>` accepts the finding for this pull request, `explain` answers with the rule's reason
 * and a fix, `review` reviews the head again. The app's own comments and other bots' are ignored
 * (no loops), and so is any comment that is not a reply to one of our findings. Who may accept is
 * asked of GitHub, never read from the payload; an acceptance is written into the app's reply as
 * a hidden marker, so every replica and every restart reads the same decisions back.
 */
export function registerCommands(app: Probot, queue: ReviewQueue, appId: number, rules: readonly Rule[]): void {
  app.on("pull_request_review_comment.created", async (context) => {
    const {
      comment,
      pull_request: pull,
      repository,
      installation,
    } = context.payload as unknown as {
      comment: CommentPayload;
      pull_request: { number: number; head: { sha: string } };
      repository: { name: string; owner: { login: string }; default_branch: string };
      installation?: { id: number };
    };
    if (!installation || !comment.user || comment.user.type === "Bot" || comment.performed_via_github_app?.id === appId) return;
    const command = parseCommand(comment.body);
    if (!command || comment.in_reply_to_id === undefined || comment.in_reply_to_id === null) return;
    const repo = { owner: repository.owner.login, repo: repository.name };
    const octokit = context.octokit as unknown as GitHub;
    const { data: parent } = await octokit.rest.pulls.getReviewComment({ ...repo, comment_id: comment.in_reply_to_id });
    const [fingerprint] = fingerprintsIn([parent.body]);
    if ((parent as { performed_via_github_app?: { id: number } | null }).performed_via_github_app?.id !== appId || fingerprint === undefined) return;
    const ruleId = /· `([a-z0-9-]+)`/.exec(parent.body)?.[1];
    const reply = (body: string) => octokit.rest.pulls.createReplyForReviewComment({ ...repo, pull_number: pull.number, comment_id: parent.id, body });
    const reviewAgain = (trigger: string) =>
      queue.enqueue({ installationId: installation.id, ...repo, pullNumber: pull.number, headSha: pull.head.sha, defaultBranch: repository.default_branch, trigger, deliveryId: context.id });

    if (command.verb === "review") {
      await reviewAgain("pull_request_review_comment.review");
      return;
    }
    if (command.verb === "explain") {
      const rule = rules.find((r) => r.meta.id === ruleId);
      if (!rule) return;
      const info = ruleInfo(rule.meta);
      await reply(`**\`${info.id}\`** — ${info.summary}.\n\n> **${info.guideSection}:** ${info.principle}\n\n${forThisCase(parent.body)}${info.why}`);
      return;
    }
    const who = comment.user.login;
    if (!command.reason) {
      await reply(`@${who} To accept this finding for this pull request, say why: \`@otp-review ignore <reason>\`. The reason is kept in this thread and in the check run.`);
      return;
    }
    const { data: access } = await octokit.rest.repos.getCollaboratorPermissionLevel({ ...repo, username: who });
    if (!MAY_ACCEPT.has(access.role_name ?? access.permission)) {
      await reply(
        `@${who} Only people who can write to this repository can accept a finding (GitHub says your access is \`${access.role_name ?? access.permission}\`). Ask a maintainer, or fix the code.`,
      );
      return;
    }
    const platform = gitHubPlatform(octokit, { ...repo, pullNumber: pull.number, headSha: pull.head.sha, defaultBranch: repository.default_branch, appId });
    if (ruleId !== undefined && (await enforcedRules(platform, rules)).has(ruleId)) {
      await reply(`@${who} The organisation's policy enforces \`${ruleId}\`: its findings cannot be accepted in a pull request. Fix the code, or ask for the policy to change.`);
      return;
    }
    await reply(
      `✅ Accepted by @${who}: ${command.reason}\n\nThis finding will not be raised again on this pull request and no longer counts against it; the check run lists it under "Accepted". ${acceptedMarker({ fingerprint, by: who, reason: command.reason })}`,
    );
    await octokit.rest.reactions.createForPullRequestReviewComment({ ...repo, comment_id: comment.id, content: "+1" });
    if (!(await resolveThreadOf(octokit, { ...repo, pullNumber: pull.number, headSha: pull.head.sha, defaultBranch: repository.default_branch }, parent.id))) {
      app.log.info({ repo: `${repo.owner}/${repo.repo}`, pr: pull.number, comment: parent.id }, "the accepted finding's thread could not be resolved (no GraphQL); it stays open");
    }
    // The conclusion changes with the acceptance: judge the head again.
    await reviewAgain("pull_request_review_comment.ignore");
  });
}

/** Rules the organisation's policy enforces: their findings cannot be accepted in a pull request. */
async function enforcedRules(platform: ReturnType<typeof gitHubPlatform>, rules: readonly Rule[]): Promise<Set<string>> {
  const { org } = await platform.readPolicies();
  if (!org) return new Set();
  const parsed = parsePolicy(org.text, org.source, rules);
  return new Set(parsed.ok ? Object.keys(parsed.policy.enforce?.rules ?? {}) : []);
}

/**
 * What the finding's own comment says to do here — its message, and the one-click fix where the
 * comment carries one — so the explanation starts from this code, not from the rule in general.
 */
function forThisCase(findingComment: string): string {
  const advice = / — (.+)/.exec(findingComment.split("\n")[0] ?? "")?.[1];
  const suggestion = /```+suggestion\n([^]*?)\n```+/.exec(findingComment)?.[1];
  const fix = suggestion === undefined ? "" : `\n\nThe fix here:\n\n\`\`\`elixir\n${suggestion}\n\`\`\``;
  return advice ? `**Here:** ${advice}${fix}\n\n**In general:** ` : "";
}
