import type { FixturePullRequest, Posted } from "./fixture-platform.js";

const RULE = "─".repeat(72);

/** What the app would post for the pull request, as a person reads it in a terminal. */
export function renderPosted(pr: FixturePullRequest, posted: Posted): string {
  const out: string[] = [`otp-review · ${pr.owner}/${pr.repo}#${pr.number} "${pr.title}" at ${pr.head_sha.slice(0, 7)}`, ""];
  const review = posted.review;
  if (review) {
    out.push(`POST /repos/${pr.owner}/${pr.repo}/pulls/${pr.number}/reviews  (event COMMENT, commit_id ${review.commitId.slice(0, 7)})`, review.body, "");
    for (const comment of review.comments) out.push(RULE, `${comment.path}:${comment.line} (side ${comment.side})`, "", comment.body, "");
  } else {
    out.push("No review: no new finding on the lines this pull request changed.", "");
  }
  const run = posted.checkRun;
  out.push(RULE, `Check run "OTP Review": ${run?.status ?? "never created"}${run?.output ? ` · conclusion ${run.output.conclusion}` : ""}`);
  if (run?.output) {
    out.push(`${run.output.title}`, "", run.output.summary, "", `Annotations (${run.output.annotations.length}):`);
    for (const a of run.output.annotations) out.push(`  ${a.path}:${a.start_line}  ${a.annotation_level.padEnd(7)} ${a.title}`);
  }
  return out.join("\n") + "\n";
}
