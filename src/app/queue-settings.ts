import { DEFAULT_REVIEW_CONCURRENCY } from "../queue/in-process-queue.js";

export interface QueueSettings {
  /** Set: reviews go through BullMQ on this Redis, shared by every replica. */
  redisUrl: string | undefined;
  /** The Redis keys' prefix: several deployments (or test runs) can share one Redis. */
  redisPrefix: string;
  /** Reviews at once in this process. */
  concurrency: number;
  /** Where the in-process queue keeps its journal of unfinished reviews. */
  stateDir: string;
  /** With Redis: how long a job's lock lasts unrenewed; a dead process's job is taken up after about 1.5 times this. */
  jobLockMs: number;
  /** How long a stopping server waits for running reviews. Container runtimes kill after their own grace period (Docker 10 s, Kubernetes 30 s): set theirs above this. */
  shutdownGraceMs: number;
}

export const DEFAULT_SHUTDOWN_GRACE_MS = 25_000;
export const DEFAULT_JOB_LOCK_MS = 30_000;

export function queueSettingsFromEnv(env: NodeJS.ProcessEnv): QueueSettings {
  return {
    redisUrl: env.REDIS_URL || undefined,
    redisPrefix: env.OTP_REVIEW_REDIS_PREFIX || "otp-review",
    concurrency: positive(env.OTP_REVIEW_CONCURRENCY, "OTP_REVIEW_CONCURRENCY") ?? DEFAULT_REVIEW_CONCURRENCY,
    stateDir: env.OTP_REVIEW_STATE_DIR || ".otp-review",
    jobLockMs: positive(env.OTP_REVIEW_JOB_LOCK_MS, "OTP_REVIEW_JOB_LOCK_MS") ?? DEFAULT_JOB_LOCK_MS,
    shutdownGraceMs: positive(env.OTP_REVIEW_SHUTDOWN_GRACE_MS, "OTP_REVIEW_SHUTDOWN_GRACE_MS") ?? DEFAULT_SHUTDOWN_GRACE_MS,
  };
}

/** A setting that is set but not a positive integer stops the start: a typo must not silently become the default. */
function positive(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === "") return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive whole number, not "${value}"`);
  return n;
}
