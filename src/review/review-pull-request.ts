import type { Rule } from "../engine/rule.js";
import type { RuleInfo } from "../model.js";
import { checkRunOutput, failedCheckRunOutput, type CheckRunOutput } from "../report/check-run.js";
import { fingerprintsIn } from "../report/marker.js";
import { reviewBody, reviewComments } from "../report/review-comments.js";
import { analyseChanges } from "./analyse-changes.js";
import type { ReviewPlatform } from "./platform.js";

export interface ReviewSummary {
  conclusion: CheckRunOutput["conclusion"];
  elixirFiles: number;
  findings: number;
  commentsPosted: number;
  /** Why the review could not finish, when it could not. */
  error?: string;
}

/**
 * Reviews one commit of a pull request: check run in progress, analysis, one review with the new
 * line comments, check run completed. The check run completes whatever happens — a run left
 * `in_progress` blocks merging forever where the check is required.
 */
export async function reviewPullRequest(platform: ReviewPlatform, sha: string, rules: readonly Rule[], ruleInfo: ReadonlyMap<string, RuleInfo>): Promise<ReviewSummary> {
  const checkRunId = await platform.startCheckRun();
  let output: CheckRunOutput;
  let summary: ReviewSummary;
  try {
    const analysis = await analyseChanges(platform, rules, "added");
    const notes = [...analysis.notes];
    const posted = fingerprintsIn(await platform.listCommentBodies());
    const fresh = analysis.findings.filter((f) => !posted.has(f.fingerprint));
    const comments = reviewComments(fresh, ruleInfo);
    let commentsPosted = 0;
    if (comments.length > 0) {
      try {
        await platform.createReview({ commitId: sha, body: reviewBody(comments.length), comments });
        commentsPosted = comments.length;
      } catch (error) {
        notes.push({ message: `the line comments could not be posted (${messageOf(error)}); every finding is listed here instead` });
      }
    }
    output = checkRunOutput({ sha, elixirFiles: analysis.elixirFiles, findings: analysis.findings, notes }, ruleInfo);
    summary = { conclusion: output.conclusion, elixirFiles: analysis.elixirFiles, findings: analysis.findings.length, commentsPosted };
  } catch (error) {
    output = failedCheckRunOutput(sha, messageOf(error));
    summary = { conclusion: output.conclusion, elixirFiles: 0, findings: 0, commentsPosted: 0, error: messageOf(error) };
  }
  await platform.completeCheckRun(checkRunId, output);
  return summary;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
