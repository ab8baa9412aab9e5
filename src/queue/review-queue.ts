/** What a webhook asks for: a review of one commit of one pull request. Plain data, so a durable queue can store it. */
export interface ReviewJob {
  installationId: number;
  owner: string;
  repo: string;
  /** Unknown for check events on pull requests from forks: the worker looks it up. */
  pullNumber?: number;
  headSha: string;
  /** The repository's default branch, where the policy is read. */
  defaultBranch: string;
  /** What asked for the review: `pull_request.opened`, `check_run.rerequested`… */
  trigger: string;
  deliveryId: string;
  /** The check run an earlier attempt opened: a job taken up again after a crash completes it instead of opening another. */
  checkRunId?: number;
  /** When the queue first took the job (ms since the epoch): for the queue-wait metric. */
  queuedAt?: number;
  /** What the webhook said of the pull request, for the policy's `review_drafts` and `skip_label`; unknown for check re-runs. */
  draft?: boolean;
  labels?: string[];
  /** For `labeled`/`unlabeled`: the label that changed. Only the policy's skip label makes that worth a review. */
  changedLabel?: string;
}

/**
 * Where webhook handlers put review jobs. The in-process queue is the first implementation; a
 * durable, multi-replica one (Redis) can replace it without the handlers noticing.
 */
export interface ReviewQueue {
  /** Records the job and returns at once; the job runs later. */
  enqueue(job: ReviewJob): Promise<void>;
  /** Resolves once every job recorded so far has run: for graceful shutdown and tests. */
  drain(): Promise<void>;
  /** Jobs waiting and running (across every replica, where the queue is shared). */
  depth(): Promise<{ waiting: number; active: number }>;
  /** Whether the queue can take jobs now: false when its store (Redis) cannot be reached. */
  ready(): Promise<boolean>;
}

/** What the queue gives a running job. */
export interface ReviewRun {
  /** Aborts when a newer push of the same pull request arrives while the job runs; its reason is the newer head sha. */
  superseded: AbortSignal;
  /** Writes down the check run the job opened, so whoever takes the job up after a crash completes that run. */
  rememberCheckRun(checkRunId: number): Promise<void>;
  /**
   * The job was started before, by a process that died: it may have opened a check run it had
   * no time to write down, which must be found and completed rather than left open.
   */
  resumed: boolean;
}

/** Runs one job. */
export type ReviewWorker = (job: ReviewJob, run: ReviewRun) => Promise<void>;

/**
 * Called once a job will not be tried again (it failed every attempt, or its processes kept
 * dying): completes its check run with the reason and a Re-run button, so none is left open.
 */
export type AbandonedReview = (job: ReviewJob, reason: string) => Promise<void>;

/** Jobs of one pull request run one at a time, in order. */
export function pullRequestKey(job: ReviewJob): string {
  return `${job.owner}/${job.repo}#${job.pullNumber ?? job.headSha}`;
}
