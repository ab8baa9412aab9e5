import type { CheckRunOutput } from "../report/check-run.js";
import type { PolicyFile } from "../config/resolve.js";
import type { Acceptance } from "../report/marker.js";
import type { ReviewComment } from "../report/review-comments.js";

/** A file a pull request touched, as `pulls.listFiles` describes it. */
export interface ChangedFile {
  path: string;
  status: "added" | "removed" | "modified" | "renamed" | "copied" | "changed" | "unchanged";
  /** The unified diff of the file; absent when GitHub leaves it out (binary or very large diffs). */
  patch?: string;
}

/** Where a review reads the pull request from. */
export interface PullRequestSource {
  listChangedFiles(): Promise<ChangedFile[]>;
  /** The file's content at the reviewed commit. */
  readFile(path: string): Promise<string>;
}

/**
 * A review comment on the pull request, with what the app's hidden markers say, already parsed:
 * markers count only in comments this app wrote (anyone could paste their text).
 */
export interface PostedComment {
  id: number;
  body: string;
  path: string;
  /** The finding this comment of ours is about. */
  fingerprint?: string;
  /** Our comment already says a later commit fixed its finding. */
  fixed?: boolean;
  /** Our reply recording that someone with write access accepted a finding. */
  acceptance?: Acceptance;
}

export interface ReviewDraft {
  commitId: string;
  /** `COMMENT`, or `REQUEST_CHANGES` when the policy asks for it and the run fails. */
  event: "COMMENT" | "REQUEST_CHANGES";
  body: string;
  comments: ReviewComment[];
}

/**
 * Everything a pull-request review needs from the outside world. GitHub is one implementation
 * (`src/github`); the demo is another, which prints instead of posting.
 */
export interface ReviewPlatform extends PullRequestSource {
  /** Opens the check run `in_progress`; returns its id. */
  startCheckRun(): Promise<number>;
  /** Our check run on this commit that is still open, if any: one a process that died had opened. */
  findOpenCheckRun(): Promise<number | undefined>;
  /** Completes the check run; sends every annotation, in as many requests as GitHub needs. */
  completeCheckRun(checkRunId: number, output: CheckRunOutput): Promise<void>;
  /** The review comments already on the pull request, ours and everyone's. */
  listComments(): Promise<PostedComment[]>;
  /**
   * Marks our comments as fixed in `sha`: resolves their threads where GitHub's GraphQL API is
   * there, edits the comments to say so where it is not. Never deletes: a thread may hold replies.
   */
  markFixed(comments: readonly PostedComment[], sha: string): Promise<void>;
  createReview(review: ReviewDraft): Promise<void>;
  /** The pull request's head commit now: a review of an older one must not be posted. */
  currentHeadSha(): Promise<string>;
  /**
   * The policy files: the repository's, read from its default branch (never the pull request's
   * head, so a pull request cannot weaken the rules that judge it), and the organisation's, from
   * its `.github` repository. Either may be missing.
   */
  readPolicies(): Promise<{ org?: PolicyFile; repo?: PolicyFile }>;
  /** The repository's baseline of accepted existing findings, read like its policy from the default branch; undefined when there is none. */
  readBaseline(): Promise<PolicyFile | undefined>;
}
