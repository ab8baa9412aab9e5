import PQueue from "p-queue";
import type { Logger } from "pino";
import { pullRequestKey, type ReviewJob, type ReviewQueue, type ReviewWorker } from "./review-queue.js";

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

  constructor(
    private readonly worker: ReviewWorker,
    private readonly log: Logger,
    concurrency = DEFAULT_REVIEW_CONCURRENCY,
  ) {
    this.#running = new PQueue({ concurrency });
  }

  async enqueue(job: ReviewJob): Promise<void> {
    const key = pullRequestKey(job);
    const identity = `${key}@${job.headSha}`;
    if (this.#waiting.has(identity)) {
      this.log.info({ deliveryId: job.deliveryId, pullRequest: key, sha: job.headSha }, "review of this commit already waiting; not queued twice");
      return;
    }
    this.#waiting.add(identity);
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
          return Promise.resolve();
        }
        return this.#run(job, key);
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

  async #run(job: ReviewJob, key: string): Promise<void> {
    const superseded = new AbortController();
    this.#runningJobs.set(key, { sha: job.headSha, superseded });
    try {
      await this.worker(job, superseded.signal);
    } catch (error) {
      // The message only: a client error object can carry request headers.
      const reason = error instanceof Error ? error.message : String(error);
      this.log.error({ reason, deliveryId: job.deliveryId, pullRequest: pullRequestKey(job), sha: job.headSha }, "review job failed");
    } finally {
      this.#runningJobs.delete(key);
    }
  }
}
