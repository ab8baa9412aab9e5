import { describePolicy } from "../config/describe.js";
import { parsePolicy, type ConfigError } from "../config/parse.js";
import { resolvePolicy, type ResolvedPolicy } from "../config/resolve.js";
import { fails, reviewSettings, type ReviewSettings } from "../config/settings.js";
import type { FileAnalyser } from "../engine/file-analyser.js";
import { ruleInfo as ruleInfoOf, type Rule } from "../engine/rule.js";
import type { ReviewNote } from "../model.js";
import { POLICY_PATH, type Policy } from "../config/schema.js";
import { parseBaseline } from "../baseline/baseline.js";
import { checkRunOutput, failedCheckRunOutput, invalidPolicyOutput, skippedCheckRunOutput, supersededCheckRunOutput, type CheckRunOutput } from "../report/check-run.js";
import { reviewBody, reviewComments } from "../report/review-comments.js";
import { analyseChanges, type ChangesAnalysis } from "./analyse-changes.js";
import type { ChangedFile, PostedComment, ReviewPlatform } from "./platform.js";

export interface ReviewSummary {
  conclusion: CheckRunOutput["conclusion"];
  elixirFiles: number;
  findings: number;
  commentsPosted: number;
  /** Findings per rule, for metrics. */
  findingsByRule?: Record<string, number>;
  /** Elixir files not analysed completely (over the budget, unreadable, not parsable). */
  incompleteFiles?: number;
  /** Rules that failed on a file: for the log, with rule id and path. */
  ruleFailures: ReviewNote[];
  /** Why the review could not finish, when it could not. */
  error?: string;
  /** The newer head commit, when the reviewed one was superseded before anything was posted. */
  supersededBy?: string;
  /** Why the pull request was not reviewed (a draft, the skip label, a label that changes nothing). */
  ignored?: string;
}

type Result = { output: CheckRunOutput; summary: ReviewSummary };

export interface ReviewOptions {
  /** Aborts when a newer push arrives; its reason is the newer head sha. */
  superseded?: AbortSignal;
  /** The check run an interrupted earlier attempt opened: completed instead of opening another. */
  checkRunId?: number;
  /** Told the id of the check run once it is open, before any slow work. */
  onCheckRunStarted?: (checkRunId: number) => Promise<void>;
  /** An earlier attempt died, perhaps after opening a run it did not write down: find that run and complete it. */
  resumed?: boolean;
  /** Where the team hosts the rule pages (`OTP_REVIEW_DOCS_URL`): comments and the run link there. */
  docsBaseUrl?: string;
  /** What the webhook said of the pull request: a draft, its labels, the label that just changed. */
  pullRequest?: { draft?: boolean; labels?: readonly string[]; changedLabel?: string };
}

/**
 * Reviews one commit of a pull request: check run in progress, analysis, one review with the new
 * line comments, check run completed. The check run completes whatever happens — a run left
 * `in_progress` blocks merging forever where the check is required.
 */
export async function reviewPullRequest(platform: ReviewPlatform, sha: string, rules: readonly Rule[], analyser: FileAnalyser, options: ReviewOptions = {}): Promise<ReviewSummary> {
  const { superseded, pullRequest } = options;
  // A label change is worth a run only when it is the policy's skip label: other labels change nothing.
  if (pullRequest?.changedLabel !== undefined) {
    const policy = resolvePolicy(await platform.readPolicies(), rules);
    if (policy.ok && policy.policy.skip_label !== pullRequest.changedLabel)
      return { conclusion: "neutral", elixirFiles: 0, findings: 0, commentsPosted: 0, ruleFailures: [], ignored: `the label \`${pullRequest.changedLabel}\` is not the policy's skip label` };
  }
  const checkRunId = options.checkRunId ?? (options.resumed ? await platform.findOpenCheckRun() : undefined) ?? (await platform.startCheckRun());
  await options.onCheckRunStarted?.(checkRunId);
  let result: Result;
  try {
    const policy = resolvePolicy(await platform.readPolicies(), rules);
    const skip = policy.ok ? reasonToSkip(policy.policy, pullRequest) : undefined;
    result = skip ? skipped(sha, skip) : policy.ok ? await review(platform, sha, rules, analyser, policy, superseded, options.docsBaseUrl) : invalidPolicy(policy.errors);
  } catch (error) {
    const output = failedCheckRunOutput(sha, messageOf(error));
    result = { output, summary: { conclusion: output.conclusion, elixirFiles: 0, findings: 0, commentsPosted: 0, ruleFailures: [], error: messageOf(error) } };
  }
  try {
    await platform.completeCheckRun(checkRunId, result.output);
  } catch (error) {
    // The full report was refused: complete the run with the reason rather than leave it open.
    await platform.completeCheckRun(checkRunId, failedCheckRunOutput(sha, `the report could not be saved (${messageOf(error)})`));
    return { ...result.summary, conclusion: "neutral", error: messageOf(error) };
  }
  return result.summary;
}

/** Why the policy leaves this pull request unreviewed, if it does: a draft (`review_drafts: false`), or the skip label. */
function reasonToSkip(policy: Policy, pullRequest: ReviewOptions["pullRequest"]): string | undefined {
  if (pullRequest?.draft && !policy.review_drafts)
    return "it is a draft, and the policy reviews pull requests once they are ready (`review_drafts: false`). Mark it ready for review to have it reviewed.";
  if (policy.skip_label !== null && pullRequest?.labels?.includes(policy.skip_label))
    return `it has the label \`${policy.skip_label}\`, which the policy uses to skip a review. Remove the label to have it reviewed.`;
  return undefined;
}

function skipped(sha: string, reason: string): Result {
  const output = skippedCheckRunOutput(sha, reason);
  return { output, summary: { conclusion: output.conclusion, elixirFiles: 0, findings: 0, commentsPosted: 0, ruleFailures: [], ignored: reason } };
}

/** A broken policy fails the run, loudly: falling back to defaults would quietly disable it. */
function invalidPolicy(errors: readonly ConfigError[]): Result {
  const output = invalidPolicyOutput(errors);
  return { output, summary: { conclusion: output.conclusion, elixirFiles: 0, findings: 0, commentsPosted: 0, ruleFailures: [], error: "invalid policy" } };
}

async function review(
  platform: ReviewPlatform,
  sha: string,
  rules: readonly Rule[],
  analyser: FileAnalyser,
  policy: Extract<ResolvedPolicy, { ok: true }>,
  superseded?: AbortSignal,
  docsBaseUrl?: string,
): Promise<Result> {
  const settings = reviewSettings(rules, policy.policy);
  const ruleInfo = new Map(settings.rules.map((rule) => [rule.meta.id, ruleInfoOf(rule.meta, docsBaseUrl)]));
  const files = await platform.listChangedFiles();
  const analysis = withConfidence(await analyseChanges(files, platform, settings, analyser, superseded), settings);
  // A newer push announced by webhook stops the review early; otherwise ask GitHub, as pushes can race the webhook.
  const head = superseded?.aborted ? String(superseded.reason) : await platform.currentHeadSha();
  if (head !== sha) {
    const output = supersededCheckRunOutput(sha, head);
    return {
      output,
      summary: {
        conclusion: output.conclusion,
        elixirFiles: analysis.elixirFiles,
        findings: analysis.findings.length,
        commentsPosted: 0,
        ruleFailures: analysis.notes.filter((n) => n.ruleId !== undefined),
        supersededBy: head,
      },
    };
  }
  const proposed = await proposedPolicyErrors(platform, files, rules);
  const notes: ReviewNote[] = [...policy.overrides.map((message) => ({ message })), ...analysis.notes, ...proposed.notes];
  // Our earlier comments and their threads: only line comments can be answered, so only in `review` mode.
  const existing = settings.comments.mode === "review" ? await platform.listComments() : [];
  // Findings accepted in their thread (`@otp-review ignore <reason>`): recorded only in the app's own replies.
  const acceptances = new Map(existing.flatMap((c) => (c.acceptance ? [[c.acceptance.fingerprint, c.acceptance] as const] : [])));
  const accepted = analysis.findings.filter((f) => acceptances.has(f.fingerprint)).map((finding) => ({ finding, ...acceptances.get(finding.fingerprint)! }));
  // Findings the team recorded in its baseline when it turned the check on: reported again only when their code changes.
  const known = await baselineFingerprints(platform, notes);
  const baselined = analysis.findings.filter((f) => known.has(f.fingerprint)).length;
  const judged = analysis.findings.filter((f) => !acceptances.has(f.fingerprint) && !known.has(f.fingerprint));
  const failing = judged.some((f) => f.placement !== "listed" && fails(f.severity, settings.failOn)) || proposed.errors.length > 0;
  let commentsPosted = 0;
  if (settings.comments.mode === "review") {
    const posted = new Set(existing.flatMap((c) => (c.fingerprint ? [c.fingerprint] : [])));
    const { comments, commented, omitted } = reviewComments(
      judged.filter((f) => !posted.has(f.fingerprint)),
      ruleInfo,
      settings.comments.max,
    );
    const event = settings.comments.requestChanges && failing ? "REQUEST_CHANGES" : "COMMENT";
    try {
      if (comments.length > 0) await platform.createReview({ commitId: sha, event, body: reviewBody(commented, omitted), comments });
      commentsPosted = comments.length;
    } catch (error) {
      notes.push({ message: `the line comments could not be posted (${messageOf(error)}); every finding is listed here instead` });
    }
    // After the new comments, which the author waits for: resolving old threads can wait.
    await markFixed(platform, existing, analysis, sha).catch((error: unknown) =>
      notes.push({ message: `comments this push fixed could not be marked as fixed (${messageOf(error)}); they stay open until the next push` }),
    );
  }
  const output = checkRunOutput(
    { sha, elixirFiles: analysis.elixirFiles, findings: judged, notes, failing, policySource: policy.source, policyText: describePolicy(policy.policy, policy.provenance), accepted, baselined },
    ruleInfo,
  );
  const ruleFailures = notes.filter((n) => n.ruleId !== undefined);
  const findingsByRule: Record<string, number> = {};
  for (const finding of analysis.findings) findingsByRule[finding.ruleId] = (findingsByRule[finding.ruleId] ?? 0) + 1;
  const incompleteFiles = analysis.elixirFiles - analysis.complete.paths.size;
  return { output, summary: { conclusion: output.conclusion, elixirFiles: analysis.elixirFiles, findings: analysis.findings.length, commentsPosted, ruleFailures, findingsByRule, incompleteFiles } };
}

/** The baseline's fingerprints; a baseline that cannot be read is noted and ignored, never a failed review. */
async function baselineFingerprints(platform: ReviewPlatform, notes: ReviewNote[]): Promise<Set<string>> {
  const file = await platform.readBaseline();
  if (!file) return new Set();
  const parsed = parseBaseline(file.text, file.source);
  if (parsed.ok) return new Set(parsed.entries.map((e) => e.fingerprint));
  notes.push({ message: `the baseline is ignored: ${parsed.message}` });
  return new Set();
}

/** Findings below the policy's confidence threshold are only listed: no comment, no annotation, no failure. */
function withConfidence(analysis: ChangesAnalysis, settings: ReviewSettings): ChangesAnalysis {
  return { ...analysis, findings: analysis.findings.map((f) => (settings.isConfident(f) ? f : { ...f, placement: "listed" as const })) };
}

/**
 * Our comments whose finding is gone from a file analysed in full — fixed by a later push — are
 * marked so (resolved, or edited to say so). A failure here is noted in the run and loses no review.
 */
async function markFixed(platform: ReviewPlatform, comments: readonly PostedComment[], analysis: ChangesAnalysis, sha: string): Promise<void> {
  const fixed = comments.filter(
    ({ fingerprint, fixed: markedFixed, path }) => fingerprint !== undefined && !markedFixed && analysis.complete.paths.has(path) && !analysis.complete.fingerprints.has(fingerprint),
  );
  await platform.markFixed(fixed, sha);
}

/**
 * A pull request that changes the policy file gets the new file validated, so a broken policy is
 * caught before it merges (it applies only once merged: the review itself runs on the default
 * branch's policy).
 */
async function proposedPolicyErrors(platform: ReviewPlatform, files: readonly ChangedFile[], rules: readonly Rule[]): Promise<{ errors: ConfigError[]; notes: ReviewNote[] }> {
  if (!files.some((f) => f.path === POLICY_PATH && f.status !== "removed")) return { errors: [], notes: [] };
  const parsed = parsePolicy(await platform.readFile(POLICY_PATH), `${POLICY_PATH} in this pull request`, rules);
  if (parsed.ok) return { errors: [], notes: [{ path: POLICY_PATH, message: "is changed by this pull request: the new policy is valid, and applies once merged" }] };
  return {
    errors: parsed.errors,
    notes: parsed.errors.map((e) => ({ path: POLICY_PATH, message: `line ${e.line}${e.keyPath ? `, \`${e.keyPath}\`` : ""}: ${e.message} (the policy this pull request proposes is invalid)` })),
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
