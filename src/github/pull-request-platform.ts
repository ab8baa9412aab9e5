import { CHECK_RUN_NAME, type Annotation, type CheckRunOutput } from "../report/check-run.js";
import type { PolicyFile } from "../config/resolve.js";
import { POLICY_PATH } from "../config/schema.js";
import { BASELINE_PATH } from "../baseline/baseline.js";
import { acceptancesIn, fingerprintsIn, fixedBody, isMarkedFixed } from "../report/marker.js";
import type { ChangedFile, PostedComment, ReviewDraft, ReviewPlatform } from "../review/platform.js";
import type { GitHub } from "./octokit.js";

/** GitHub takes at most 50 annotations per check run request; more are sent in further updates. */
export const MAX_ANNOTATIONS_PER_REQUEST = 50;

/** `pulls.listFiles` and friends return 30 items a page unless asked; 100 is the most they give. */
const PER_PAGE = 100;

export interface PullRequestRef {
  owner: string;
  repo: string;
  pullNumber: number;
  /** The commit under review: files are read at it, the check run and review are pinned to it. */
  headSha: string;
  /** Where the policy is read from: a pull request cannot change the rules that judge it. */
  defaultBranch: string;
  /** This app's id: only its own check runs are ours to complete. */
  appId?: number;
}

/** The organisation's policy lives in its `.github` repository. */
const ORG_POLICY_REPO = ".github";

/** The pull request on GitHub, over REST only: every required step works without GraphQL. */
export function gitHubPlatform(octokit: GitHub, pr: PullRequestRef): ReviewPlatform {
  const repo = { owner: pr.owner, repo: pr.repo };
  return {
    async listChangedFiles(): Promise<ChangedFile[]> {
      const files = await octokit.paginate(octokit.rest.pulls.listFiles, { ...repo, pull_number: pr.pullNumber, per_page: PER_PAGE });
      return files.map((f) => ({ path: f.filename, status: f.status, ...patchOf(f) }));
    },

    readFile: (path: string): Promise<string> => readRaw(octokit, pr.owner, pr.repo, path, pr.headSha),

    async startCheckRun(): Promise<number> {
      const { data } = await octokit.rest.checks.create({
        ...repo,
        name: CHECK_RUN_NAME,
        head_sha: pr.headSha,
        status: "in_progress",
        started_at: new Date().toISOString(),
        output: { title: "Reviewing…", summary: `Reviewing the Elixir files changed in ${pr.headSha.slice(0, 7)}.` },
      });
      return data.id;
    },

    async findOpenCheckRun(): Promise<number | undefined> {
      const { data } = await octokit.rest.checks.listForRef({ ...repo, ref: pr.headSha, check_name: CHECK_RUN_NAME, filter: "latest", ...(pr.appId === undefined ? {} : { app_id: pr.appId }) });
      return data.check_runs.find((run) => run.status !== "completed")?.id;
    },

    async completeCheckRun(checkRunId: number, output: CheckRunOutput): Promise<void> {
      const batches = inBatches(output.annotations, MAX_ANNOTATIONS_PER_REQUEST);
      const text = output.text === undefined ? {} : { text: output.text };
      const base = { ...repo, check_run_id: checkRunId };
      // Annotations append: every batch but the last goes in while the run is still in progress.
      for (const batch of batches.slice(0, -1)) {
        await octokit.rest.checks.update({ ...base, output: { title: output.title, summary: output.summary, annotations: batch } });
      }
      await octokit.rest.checks.update({
        ...base,
        status: "completed",
        conclusion: output.conclusion,
        completed_at: new Date().toISOString(),
        output: { title: output.title, summary: output.summary, ...text, annotations: batches.at(-1) ?? [] },
        ...(output.actions ? { actions: output.actions } : {}),
      });
    },

    async listComments(): Promise<PostedComment[]> {
      const comments = await octokit.paginate(octokit.rest.pulls.listReviewComments, { ...repo, pull_number: pr.pullNumber, per_page: PER_PAGE });
      return comments.map((c) => parsedComment(c, pr.appId));
    },

    async markFixed(comments: readonly PostedComment[], sha: string): Promise<void> {
      if (comments.length === 0) return;
      let threads: Map<number, Thread> | null = null;
      try {
        threads = await threadsByFirstComment(octokit, pr);
      } catch (error) {
        // GraphQL is not there (some GitHub Enterprise servers answer 404 or 501): edit the
        // comments instead. Any other failure is GitHub's to retry, not a reason to edit them.
        if (!graphQlUnavailable(error)) throw error;
      }
      for (const comment of comments) {
        const thread = threads?.get(comment.id);
        if (thread?.isResolved) continue;
        if (thread) await octokit.graphql(RESOLVE_MUTATION, { thread: thread.id });
        else await octokit.rest.pulls.updateReviewComment({ ...repo, comment_id: comment.id, body: fixedBody(comment.body, sha) });
      }
    },

    async readPolicies(): Promise<{ org?: PolicyFile; repo?: PolicyFile }> {
      const repo = await readOptional(octokit, pr.owner, pr.repo, POLICY_PATH, pr.defaultBranch);
      const org = pr.repo === ORG_POLICY_REPO ? null : await readOptional(octokit, pr.owner, ORG_POLICY_REPO, POLICY_PATH);
      return {
        ...(repo === null ? {} : { repo: { text: repo, source: `${pr.owner}/${pr.repo}:${POLICY_PATH}@${pr.defaultBranch}` } }),
        ...(org === null ? {} : { org: { text: org, source: `${pr.owner}/${ORG_POLICY_REPO}:${POLICY_PATH}` } }),
      };
    },

    async readBaseline(): Promise<PolicyFile | undefined> {
      const text = await readOptional(octokit, pr.owner, pr.repo, BASELINE_PATH, pr.defaultBranch);
      return text === null ? undefined : { text, source: `${pr.owner}/${pr.repo}:${BASELINE_PATH}@${pr.defaultBranch}` };
    },

    async currentHeadSha(): Promise<string> {
      const { data } = await octokit.rest.pulls.get({ ...repo, pull_number: pr.pullNumber });
      return data.head.sha;
    },

    async createReview(review: ReviewDraft): Promise<void> {
      await octokit.rest.pulls.createReview({
        ...repo,
        pull_number: pr.pullNumber,
        commit_id: review.commitId,
        event: review.event,
        body: review.body,
        comments: review.comments,
      });
    },
  };
}

function graphQlUnavailable(error: unknown): boolean {
  const status = (error as { status?: number; response?: { status?: number } }).status ?? (error as { response?: { status?: number } }).response?.status;
  return status === 404 || status === 501;
}

/** A listed comment with our markers read, where they count: in comments this app wrote. */
function parsedComment(comment: { id: number; body: string; path: string; performed_via_github_app?: { id: number } | null }, appId: number | undefined): PostedComment {
  const ours = appId !== undefined && comment.performed_via_github_app?.id === appId;
  const [fingerprint] = ours ? fingerprintsIn([comment.body]) : [];
  const [acceptance] = ours ? acceptancesIn([comment.body]).values() : [];
  return { id: comment.id, body: comment.body, path: comment.path, ...(fingerprint ? { fingerprint, fixed: isMarkedFixed(comment.body) } : {}), ...(acceptance ? { acceptance } : {}) };
}

/** Resolves the review thread a comment opened; false where GraphQL is not there (some GitHub Enterprise servers). */
export async function resolveThreadOf(octokit: GitHub, pr: PullRequestRef, firstCommentId: number): Promise<boolean> {
  let threads: Map<number, Thread>;
  try {
    threads = await threadsByFirstComment(octokit, pr);
  } catch (error) {
    if (!graphQlUnavailable(error)) throw error;
    return false;
  }
  const thread = threads.get(firstCommentId);
  if (thread && !thread.isResolved) await octokit.graphql(RESOLVE_MUTATION, { thread: thread.id });
  return thread !== undefined;
}

const THREADS_QUERY = `query($owner: String!, $repo: String!, $number: Int!, $cursor: String) {
  repository(owner: $owner, name: $repo) {
    pullRequest(number: $number) {
      reviewThreads(first: 100, after: $cursor) {
        nodes { id isResolved comments(first: 1) { nodes { databaseId } } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
}`;

const RESOLVE_MUTATION = `mutation($thread: ID!) { resolveReviewThread(input: { threadId: $thread }) { thread { id } } }`;

interface Thread {
  id: string;
  isResolved: boolean;
}

interface ThreadsPage {
  repository: { pullRequest: { reviewThreads: { nodes: Array<Thread & { comments: { nodes: Array<{ databaseId: number }> } }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } };
}

/** The pull request's review threads, by the id of the comment that opened each: one listing per review. */
async function threadsByFirstComment(octokit: GitHub, pr: PullRequestRef): Promise<Map<number, Thread>> {
  const threads = new Map<number, Thread>();
  let cursor: string | null = null;
  do {
    const page: ThreadsPage = await octokit.graphql(THREADS_QUERY, { owner: pr.owner, repo: pr.repo, number: pr.pullNumber, cursor });
    const { nodes, pageInfo } = page.repository.pullRequest.reviewThreads;
    for (const thread of nodes) {
      const first = thread.comments.nodes[0]?.databaseId;
      if (first !== undefined) threads.set(first, { id: thread.id, isResolved: thread.isResolved });
    }
    cursor = pageInfo.hasNextPage ? pageInfo.endCursor : null;
  } while (cursor);
  return threads;
}

/** A file's text at `ref` (the default branch without one), over REST. */
async function readRaw(octokit: GitHub, owner: string, repo: string, path: string, ref?: string): Promise<string> {
  const response = await octokit.rest.repos.getContent({ owner, repo, path, ...(ref ? { ref } : {}), mediaType: { format: "raw" } });
  return rawText(response.data as unknown);
}

/** A file's text, or null when GitHub answers 404 (no such file or repository). */
async function readOptional(octokit: GitHub, owner: string, repo: string, path: string, ref?: string): Promise<string | null> {
  try {
    return await readRaw(octokit, owner, repo, path, ref);
  } catch (error) {
    if ((error as { status?: number }).status === 404) return null;
    throw error;
  }
}

/** A rename without edits has no patch because nothing changed, not because the diff is too large. */
function patchOf(file: { patch?: string; changes: number }): { patch?: string } {
  if (file.patch !== undefined) return { patch: file.patch };
  return file.changes === 0 ? { patch: "" } : {};
}

/**
 * The raw media type comes back as text or as bytes, depending on the content type GitHub sends.
 * Bytes that are not UTF-8 are not Elixir source.
 */
function rawText(data: unknown): string {
  if (typeof data === "string") return data;
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(data);
    } catch {
      throw new Error("is not UTF-8 text (binary?)");
    }
  }
  throw new Error("is not a file");
}

function inBatches(annotations: readonly Annotation[], size: number): Annotation[][] {
  const batches: Annotation[][] = [];
  for (let i = 0; i < annotations.length; i += size) batches.push(annotations.slice(i, i + size));
  return batches;
}

/** The open pull requests whose head is `sha`: a check event names none for pull requests from forks. */
export async function pullRequestsForCommit(octokit: GitHub, owner: string, repo: string, sha: string): Promise<number[]> {
  const { data } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({ owner, repo, commit_sha: sha });
  return data.filter((pr) => pr.state === "open" && pr.head.sha === sha).map((pr) => pr.number);
}
