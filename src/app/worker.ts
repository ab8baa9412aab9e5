import type { Probot } from "probot";
import type { FileAnalyser } from "../engine/file-analyser.js";
import type { Rule } from "../engine/rule.js";
import { gitHubPlatform, pullRequestsForCommit } from "../github/pull-request-platform.js";
import { retryOnSecondaryRateLimit } from "../github/rate-limits.js";
import type { ReviewWorker } from "../queue/review-queue.js";
import { reviewPullRequest } from "../review/review-pull-request.js";

/** Runs one review job with a fresh installation token, and logs one line per review. */
export function reviewWorker(app: Probot, rules: readonly Rule[], analyser: FileAnalyser): ReviewWorker {
  return async (job, superseded) => {
    const octokit = await app.auth(job.installationId);
    retryOnSecondaryRateLimit(octokit);
    const pullNumbers = job.pullNumber === undefined ? await pullRequestsForCommit(octokit, job.owner, job.repo, job.headSha) : [job.pullNumber];
    if (pullNumbers.length === 0) app.log.info({ repo: `${job.owner}/${job.repo}`, sha: job.headSha, deliveryId: job.deliveryId }, "no open pull request has this commit as its head; nothing to review");
    for (const pullNumber of pullNumbers) {
      const started = performance.now();
      const platform = gitHubPlatform(octokit, { owner: job.owner, repo: job.repo, pullNumber, headSha: job.headSha, defaultBranch: job.defaultBranch });
      const summary = await reviewPullRequest(platform, job.headSha, rules, analyser, superseded);
      for (const failure of summary.ruleFailures) {
        app.log.warn({ repo: `${job.owner}/${job.repo}`, pr: pullNumber, sha: job.headSha, ruleId: failure.ruleId, path: failure.path, reason: failure.message }, "rule failed on a file");
      }
      app.log[summary.error ? "warn" : "info"](
        {
          repo: `${job.owner}/${job.repo}`,
          pr: pullNumber,
          sha: job.headSha,
          trigger: job.trigger,
          deliveryId: job.deliveryId,
          files: summary.elixirFiles,
          findings: summary.findings,
          comments: summary.commentsPosted,
          conclusion: summary.conclusion,
          durationMs: Math.round(performance.now() - started),
          ...(summary.error ? { error: summary.error } : {}),
          ...(summary.supersededBy ? { supersededBy: summary.supersededBy } : {}),
        },
        "review completed",
      );
    }
  };
}
