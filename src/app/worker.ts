import type { Probot } from "probot";
import type { FileAnalyser } from "../engine/file-analyser.js";
import type { Rule } from "../engine/rule.js";
import { gitHubPlatform, pullRequestsForCommit } from "../github/pull-request-platform.js";
import type { GitHub } from "../github/octokit.js";
import type { AbandonedReview, ReviewJob, ReviewWorker } from "../queue/review-queue.js";
import type { ServiceMetrics } from "./metrics.js";
import { failedCheckRunOutput } from "../report/check-run.js";
import { reviewPullRequest } from "../review/review-pull-request.js";

/** Runs one review job with a fresh installation token, and logs when a review starts and ends. */
export function reviewWorker(app: Probot, appId: number, rules: readonly Rule[], analyser: FileAnalyser, metrics: ServiceMetrics, docsBaseUrl?: string): ReviewWorker {
  return async (job, { superseded, rememberCheckRun, resumed }) => {
    if (job.queuedAt !== undefined) metrics.queueWait.observe((Date.now() - job.queuedAt) / 1000);
    const octokit = await app.auth(job.installationId);
    countRequests(octokit, metrics);
    const pullNumbers = job.pullNumber === undefined ? await pullRequestsForCommit(octokit, job.owner, job.repo, job.headSha) : [job.pullNumber];
    if (pullNumbers.length === 0)
      app.log.info({ repo: `${job.owner}/${job.repo}`, sha: job.headSha, deliveryId: job.deliveryId }, "no open pull request has this commit as its head; nothing to review");
    for (const pullNumber of pullNumbers) {
      const started = performance.now();
      app.log.info(
        { repo: `${job.owner}/${job.repo}`, pr: pullNumber, sha: job.headSha, trigger: job.trigger, deliveryId: job.deliveryId, ...(job.checkRunId ? { resumedCheckRun: job.checkRunId } : {}) },
        "review started",
      );
      const platform = gitHubPlatform(octokit, { owner: job.owner, repo: job.repo, pullNumber, headSha: job.headSha, defaultBranch: job.defaultBranch, appId });
      // An interrupted attempt's run is this commit's run: complete it (one pull request per job when it is known).
      const resumedRun = job.pullNumber === undefined ? undefined : job.checkRunId;
      const summary = await reviewPullRequest(platform, job.headSha, rules, analyser, {
        superseded,
        ...(resumedRun ? { checkRunId: resumedRun } : {}),
        onCheckRunStarted: rememberCheckRun,
        resumed,
        ...(docsBaseUrl ? { docsBaseUrl } : {}),
        pullRequest: pullRequestFacts(job),
      });
      metrics.reviews.inc({ outcome: summary.ignored ? "not_reviewed" : summary.conclusion });
      metrics.reviewDuration.observe((performance.now() - started) / 1000);
      metrics.incompleteFiles.inc(summary.incompleteFiles ?? 0);
      for (const [rule, count] of Object.entries(summary.findingsByRule ?? {})) metrics.findings.inc({ rule }, count);
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
          ...(summary.ignored ? { notReviewed: summary.ignored } : {}),
        },
        "review completed",
      );
    }
  };
}

/** Completes the check run of a job that will not be tried again: neutral, with the reason and the Re-run button. */
export function abandonReview(app: Probot, metrics: ServiceMetrics): AbandonedReview {
  return async (job, reason) => {
    metrics.reviews.inc({ outcome: "abandoned" });
    const log = { repo: `${job.owner}/${job.repo}`, sha: job.headSha, deliveryId: job.deliveryId, reason };
    if (job.checkRunId === undefined) {
      app.log.error(log, "review abandoned before it opened a check run");
      return;
    }
    const octokit = await app.auth(job.installationId);
    // Completing a run names no pull request: the number is not read.
    const platform = gitHubPlatform(octokit, { owner: job.owner, repo: job.repo, pullNumber: job.pullNumber ?? 0, headSha: job.headSha, defaultBranch: job.defaultBranch });
    await platform.completeCheckRun(job.checkRunId, failedCheckRunOutput(job.headSha, reason));
    app.log.error({ ...log, checkRunId: job.checkRunId }, "review abandoned; its check run is completed as neutral");
  };
}

/** Counts every request to GitHub by its answer's status (`error` when none came back). */
function countRequests(octokit: GitHub, metrics: ServiceMetrics): void {
  octokit.hook.after("request", (response) => void metrics.githubRequests.inc({ status: String(response.status) }));
  octokit.hook.error("request", (error) => {
    metrics.githubRequests.inc({ status: String((error as { status?: number }).status ?? "error") });
    throw error;
  });
}

/** What the webhook said of the pull request, for the policy to decide whether to review it. */
function pullRequestFacts(job: ReviewJob): { draft?: boolean; labels?: string[]; changedLabel?: string } {
  return { ...(job.draft === undefined ? {} : { draft: job.draft }), ...(job.labels ? { labels: job.labels } : {}), ...(job.changedLabel ? { changedLabel: job.changedLabel } : {}) };
}
