import PQueue from "p-queue";
import type { Logger } from "pino";
import type { Journal } from "./journal.js";
import { pullRequestKey, type AbandonedReview, type ReviewJob, type ReviewQueue, type ReviewWorker } from "./review-queue.js";

/** Reviews run at once across all pull requests: parsing is CPU work on one event loop. */
export const DEFAULT_REVIEW_CONCURRENCY = 4;

/**
 * Runs review jobs in this process: at most `concurrency` at a time, one at a time per pull
 * request. A job identical to one still waiting (a redelivered webhook) is recorded once, a
 * waiting job whose pull request has since received a newer push is dropped, and a running one is
 * told to stop: its review would only be superseded.
 */
export class InProcessReviewQueue implements ReviewQueue {
  readonly #running: PQueue;
  readonly #tails = new Map<string, Promise<void>>();
  readonly #waiting = new Set<string>();
  /** The newest commit queued for each pull request. */
  readonly #newest = new Map<string, string>();
  /** The job running for each pull request, to stop when a newer push arrives. */
  readonly #runningJobs = new Map<string, { sha: string; superseded: AbortController }>();

  readonly #journal: Journal | undefined;
  /** Jobs taken from the journal of a process that died. */
  readonly #resumed = new Set<string>();
  readonly #abandon: AbandonedReview | undefined;

  constructor(
    private readonly worker: ReviewWorker,
    private readonly log: Logger,
    options: InProcessQueueOptions = {},
  ) {
    this.#running = new PQueue({ concurrency: options.concurrency ?? DEFAULT_REVIEW_CONCURRENCY });
    this.#journal = options.journal;
    this.#abandon = options.abandon;
  }

  /** Takes up the jobs a killed process left in the journal: their reviews run again and complete the check runs they opened. */
  async resume(): Promise<number> {
    const jobs = (await this.#journal?.load()) ?? [];
    for (const job of jobs) {
      this.#resumed.add(`${pullRequestKey(job)}@${job.headSha}`);
      this.log.warn({ deliveryId: job.deliveryId, pullRequest: pullRequestKey(job), sha: job.headSha, checkRunId: job.checkRunId }, "resuming a review the previous process did not finish");
      await this.enqueue(job);
    }
    return jobs.length;
  }

  async enqueue(queued: ReviewJob): Promise<void> {
    const job = { ...queued, queuedAt: queued.queuedAt ?? Date.now() };
    const key = pullRequestKey(job);
    const identity = `${key}@${job.headSha}`;
    if (this.#waiting.has(identity)) {
      this.log.info({ deliveryId: job.deliveryId, pullRequest: key, sha: job.headSha }, "review of this commit already waiting; not queued twice");
      return;
    }
    this.#waiting.add(identity);
    await this.#journal?.record(identity, job);
    if (job.trigger.startsWith("pull_request.")) {
      this.#newest.set(key, job.headSha);
      const running = this.#runningJobs.get(key);
      if (running && running.sha !== job.headSha) running.superseded.abort(job.headSha);
    }
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const tail = previous.then(() =>
      this.#running.add(() => {
        this.#waiting.delete(identity);
        const newest = this.#newest.get(key);
        if (newest !== undefined && newest !== job.headSha) {
          this.log.info({ deliveryId: job.deliveryId, pullRequest: key, sha: job.headSha, newerSha: newest }, "a newer push is queued; not reviewing this commit");
          // A resumed job may have opened its run: it still completes it, as superseded.
          return this.#resumed.has(identity) ? this.#run(job, key, identity, newest) : (this.#journal?.forget(identity) ?? Promise.resolve());
        }
        return this.#run(job, key, identity);
      }),
    );
    this.#tails.set(key, tail);
    void tail.finally(() => {
      if (this.#tails.get(key) !== tail) return;
      this.#tails.delete(key);
      this.#newest.delete(key);
    });
  }

  async drain(): Promise<void> {
    while (this.#tails.size > 0) await Promise.all(this.#tails.values());
  }

  async depth(): Promise<{ waiting: number; active: number }> {
    return { waiting: this.#waiting.size, active: this.#runningJobs.size };
  }

  async ready(): Promise<boolean> {
    return true;
  }

  async #run(job: ReviewJob, key: string, identity: string, supersededBy?: string): Promise<void> {
    const superseded = new AbortController();
    if (supersededBy !== undefined) superseded.abort(supersededBy);
    this.#runningJobs.set(key, { sha: job.headSha, superseded });
    let current = job;
    const rememberCheckRun = async (checkRunId: number) => {
      current = { ...current, checkRunId };
      await this.#journal?.record(identity, current);
    };
    try {
      await this.worker(job, { superseded: superseded.signal, rememberCheckRun, resumed: this.#resumed.delete(identity) });
    } catch (error) {
      // The message only: a client error object can carry request headers.
      const reason = error instanceof Error ? error.message : String(error);
      this.log.error({ reason, deliveryId: job.deliveryId, pullRequest: pullRequestKey(job), sha: job.headSha }, "review job failed");
      await this.#abandon?.(current, reason).catch((failure: unknown) => {
        this.log.error(
          { reason: failure instanceof Error ? failure.message : String(failure), deliveryId: job.deliveryId, checkRunId: current.checkRunId },
          "the failed review's check run could not be completed",
        );
      });
    } finally {
      this.#runningJobs.delete(key);
      await this.#journal?.forget(identity);
    }
  }
}

export interface InProcessQueueOptions {
  /** Reviews at once across all pull requests. */
  concurrency?: number;
  /** Where jobs are written down, so a killed process's reviews are resumed on the next start. */
  journal?: Journal;
  /** Completes the check run of a job that failed. */
  abandon?: AbandonedReview;
}
