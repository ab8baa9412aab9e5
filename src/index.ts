import { join } from "node:path";
import type { ApplicationFunction } from "probot";
import { createApp } from "./app/create-app.js";
import { queueSettingsFromEnv } from "./app/queue-settings.js";
import { InProcessReviewQueue } from "./queue/in-process-queue.js";
import { Journal } from "./queue/journal.js";
import { RedisReviewQueue } from "./queue/redis-queue.js";
import type { ReviewQueue } from "./queue/review-queue.js";
import { sandboxSettingsFromEnv } from "./sandbox/file-budget.js";
import { ProcessPoolAnalyser } from "./sandbox/process-pool-analyser.js";

/**
 * The GitHub App, as `probot run` loads it. APP_ID, the queue settings and the OTP_REVIEW_*
 * budget are read when Probot starts the app. With REDIS_URL, reviews go through a durable
 * queue every replica shares; without it, through this process, with a journal that lets the
 * next start finish what a killed process left. On SIGTERM/SIGINT the server stops taking jobs,
 * finishes (or, with Redis, hands back) the running reviews, and exits within the grace period.
 */
const otpReview: ApplicationFunction = (app, options) => {
  const settings = queueSettingsFromEnv(process.env);
  const analyser = new ProcessPoolAnalyser(sandboxSettingsFromEnv(process.env));
  return createApp({
    appId: Number(process.env.APP_ID),
    analyser,
    ...(process.env.OTP_REVIEW_DOCS_URL ? { docsBaseUrl: process.env.OTP_REVIEW_DOCS_URL } : {}),
    makeQueue: (worker, log, abandon) => {
      let queue: ReviewQueue;
      let stop: () => Promise<void>;
      if (settings.redisUrl) {
        const redis = new RedisReviewQueue(worker, log, {
          url: settings.redisUrl,
          prefix: settings.redisPrefix,
          concurrency: settings.concurrency,
          abandon,
          lockMs: settings.jobLockMs,
          stalledCheckMs: Math.ceil(settings.jobLockMs / 2),
        });
        queue = redis;
        stop = () => redis.close(settings.shutdownGraceMs);
        log.info({ concurrency: settings.concurrency }, "reviews go through the Redis queue");
      } else {
        const local = new InProcessReviewQueue(worker, log, { concurrency: settings.concurrency, journal: new Journal(join(settings.stateDir, "journal.json"), log), abandon });
        queue = local;
        stop = () => local.drain();
        void local.resume().catch((error: unknown) => log.error({ reason: (error as Error).message }, "could not resume the reviews of the previous run"));
      }
      for (const signal of ["SIGTERM", "SIGINT"] as const) {
        process.once(signal, () => {
          log.info({ signal, graceMs: settings.shutdownGraceMs }, "stopping: finishing running reviews before exit");
          const deadline = new Promise((resolve) => setTimeout(resolve, settings.shutdownGraceMs).unref());
          // One deadline for both: a pool that does not close must not keep the process alive.
          void Promise.race([stop().then(() => analyser.close()), deadline]).finally(() => process.exit(0));
        });
      }
      return queue;
    },
  })(app, options);
};

export default otpReview;
