import { Queue, Worker, type Job } from "bullmq";
import { Redis } from "ioredis";
import type { Logger } from "pino";
import { pullRequestKey, type AbandonedReview, type ReviewJob, type ReviewQueue, type ReviewWorker } from "./review-queue.js";

export const QUEUE_NAME = "otp-review";

export interface RedisQueueOptions {
  url: string;
  /** Reviews at once in this process. */
  concurrency: number;
  /** Completes the check run of a job that will not be tried again. */
  abandon: AbandonedReview;
  /** Tries per job before it is abandoned, and the first wait between them (doubling after). */
  attempts?: number;
  backoffMs?: number;
  /**
   * How long a job's lock lasts without renewal. A process that dies stops renewing it; the job
   * is then stalled and another process takes it up, within about `lockMs` plus `stalledCheckMs`.
   */
  lockMs?: number;
  stalledCheckMs?: number;
  /** Times a job may be taken up again after its process died, before it is abandoned. */
  maxStalls?: number;
  /** Key prefix: lets tests share one Redis without seeing each other's jobs. */
  prefix?: string;
}

/**
 * Review jobs in Redis through BullMQ, shared by every replica behind one webhook URL:
 * - one job per delivery (a redelivered webhook adds nothing), and one job per pull request and
 *   head while it waits or runs (a second push event or a re-run of the same head adds nothing);
 * - a newer head makes a waiting older job a no-op and tells the replica running one to stop;
 * - a job whose process died is taken up by another (BullMQ's stalled-job recovery) and
 *   completes the same check run, whose id the job carries once it is open;
 * - attempts are bounded; the last failure completes the run `neutral` with the Re-run button.
 */
export class RedisReviewQueue implements ReviewQueue {
  readonly #queue: Queue<ReviewJob>;
  readonly #worker: Worker<ReviewJob>;
  readonly #commands: Redis;
  readonly #subscriber: Redis;
  /** This process's running jobs, by job id. */
  readonly #running = new Map<string, { key: string; sha: string; superseded: AbortController }>();
  readonly #prefix: string;
  readonly #attempts: number;

  constructor(
    review: ReviewWorker,
    private readonly log: Logger,
    private readonly options: RedisQueueOptions,
  ) {
    this.#prefix = options.prefix ?? "otp-review";
    this.#attempts = options.attempts ?? 3;
    // BullMQ's blocking worker connection must never give up on a command; the others fail fast.
    const connection = { url: options.url, maxRetriesPerRequest: null };
    this.#commands = new Redis(options.url, { maxRetriesPerRequest: 3 });
    this.#subscriber = new Redis(options.url, { maxRetriesPerRequest: null });
    this.#queue = new Queue<ReviewJob>(QUEUE_NAME, { connection: { url: options.url }, prefix: this.#prefix });
    this.#worker = new Worker<ReviewJob>(QUEUE_NAME, (job) => this.#process(job, review), {
      connection,
      prefix: this.#prefix,
      concurrency: options.concurrency,
      lockDuration: options.lockMs ?? 30_000,
      stalledInterval: options.stalledCheckMs ?? 15_000,
      maxStalledCount: options.maxStalls ?? 2,
    });
    this.#worker.on("failed", (job, error) => void this.#onFailed(job, error));
    this.#worker.on("error", (error) => this.log.error({ reason: error.message }, "review queue worker error"));
    this.#subscriber.on("message", (_channel, message) => this.#onNewerHead(message));
    void this.#subscriber.subscribe(this.#channel()).catch((error: unknown) => this.log.error({ reason: (error as Error).message }, "could not subscribe to newer-head announcements"));
  }

  async enqueue(queued: ReviewJob): Promise<void> {
    const job = { ...queued, queuedAt: queued.queuedAt ?? Date.now() };
    const key = pullRequestKey(job);
    if (job.trigger.startsWith("pull_request.")) {
      // Every replica learns of the newer head: waiting older jobs become no-ops, a running one stops.
      await this.#commands.set(this.#newestKey(key), job.headSha, "EX", 7 * 24 * 3600);
      await this.#commands.publish(this.#channel(), JSON.stringify({ key, sha: job.headSha }));
    }
    const jobId = safeId(`${key}@${job.headSha}@${job.deliveryId}`);
    const added = await this.#queue.add("review", job, {
      jobId,
      deduplication: { id: safeId(`${key}@${job.headSha}`) },
      attempts: this.#attempts,
      backoff: { type: "exponential", delay: this.options.backoffMs ?? 5_000 },
      removeOnComplete: { age: 24 * 3600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    });
    // BullMQ answers a deduplicated add with the job already there.
    if (added.id !== jobId) this.log.info({ deliveryId: job.deliveryId, pullRequest: key, sha: job.headSha, existing: added.id }, "review of this commit already waiting or running; not queued twice");
  }

  /** Resolves when this process runs no job: waiting jobs stay in Redis for the other replicas. */
  async drain(): Promise<void> {
    while (this.#running.size > 0) await new Promise((resolve) => setTimeout(resolve, 50));
  }

  /** Jobs waiting and running across every replica: for `/metrics` and `/readyz`. */
  async depth(): Promise<{ waiting: number; active: number }> {
    const counts = await this.#queue.getJobCounts("waiting", "prioritized", "delayed", "active");
    return { waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0), active: counts.active ?? 0 };
  }

  async ready(): Promise<boolean> {
    try {
      return (await this.#commands.ping()) === "PONG";
    } catch (error) {
      this.log.warn({ reason: (error as Error).message }, "Redis does not answer: not ready");
      return false;
    }
  }

  /**
   * Stops taking jobs and waits for the running ones up to `graceMs`. A job still running after
   * that is handed back: its lock lapses and another replica takes it up, check run and all.
   */
  async close(graceMs: number): Promise<void> {
    const closing = this.#worker.close();
    const deadline = new Promise<"timeout">((resolve) => setTimeout(resolve, graceMs, "timeout").unref());
    if ((await Promise.race([closing.then(() => "closed" as const), deadline])) === "timeout")
      this.log.warn({ running: this.#running.size }, "reviews still running at the deadline are handed back to the other replicas");
    await Promise.allSettled([this.#queue.close(), this.#commands.quit(), this.#subscriber.quit()]);
  }

  async #process(job: Job<ReviewJob>, review: ReviewWorker): Promise<void> {
    const data = job.data;
    const key = pullRequestKey(data);
    const newest = await this.#commands.get(this.#newestKey(key));
    const superseded = new AbortController();
    // Started before by a process that died (or failed): it may have opened a run it did not write down.
    const resumed = job.attemptsStarted > 1;
    if (newest !== null && newest !== data.headSha) {
      if (!resumed && data.checkRunId === undefined) {
        this.log.info({ deliveryId: data.deliveryId, pullRequest: key, sha: data.headSha, newerSha: newest }, "a newer push is queued; not reviewing this commit");
        return;
      }
      // A taken-up job may have opened its run: it still completes it, as superseded.
      superseded.abort(newest);
    }
    const id = job.id ?? `${key}@${data.headSha}`;
    this.#running.set(id, { key, sha: data.headSha, superseded });
    try {
      await review(data, {
        superseded: superseded.signal,
        rememberCheckRun: async (checkRunId) => {
          await job.updateData({ ...job.data, checkRunId });
        },
        resumed,
      });
    } finally {
      this.#running.delete(id);
    }
  }

  #onNewerHead(message: string): void {
    let announced: { key: string; sha: string };
    try {
      announced = JSON.parse(message) as { key: string; sha: string };
    } catch {
      this.log.warn({ message }, "ignored a malformed newer-head announcement");
      return;
    }
    for (const running of this.#running.values()) {
      if (running.key === announced.key && running.sha !== announced.sha && !running.superseded.signal.aborted) running.superseded.abort(announced.sha);
    }
  }

  async #onFailed(job: Job<ReviewJob> | undefined, error: Error): Promise<void> {
    if (!job) {
      this.log.error({ reason: error.message }, "a review job failed and was removed before its check run could be completed");
      return;
    }
    const state = await job.getState().catch(() => "unknown");
    const final = state === "failed";
    this.log[final ? "error" : "warn"](
      { reason: error.message, deliveryId: job.data.deliveryId, sha: job.data.headSha, attempt: job.attemptsMade, of: this.#attempts },
      final ? "review job failed for the last time" : "review job failed; it will be tried again",
    );
    if (!final) return;
    await this.options.abandon(job.data, error.message).catch((failure: unknown) => {
      this.log.error({ reason: (failure as Error).message, deliveryId: job.data.deliveryId, checkRunId: job.data.checkRunId }, "the abandoned review's check run could not be completed");
    });
  }

  #newestKey(key: string): string {
    return `${this.#prefix}:newest:${key}`;
  }

  #channel(): string {
    return `${this.#prefix}:newer-head`;
  }
}

/** BullMQ job ids may not contain `:`. */
function safeId(id: string): string {
  return id.replaceAll(":", "_");
}
