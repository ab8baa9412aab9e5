import type { ApplicationFunction } from "probot";
import { createApp } from "./app/create-app.js";
import { InProcessReviewQueue } from "./queue/in-process-queue.js";
import { sandboxSettingsFromEnv } from "./sandbox/file-budget.js";
import { ProcessPoolAnalyser } from "./sandbox/process-pool-analyser.js";

/** How long a stopping server waits for running reviews; container runtimes kill soon after. */
const SHUTDOWN_GRACE_MS = 25_000;

/**
 * The GitHub App, as `probot run` loads it. APP_ID and the OTP_REVIEW_* budget are read when
 * Probot starts the app. On SIGTERM/SIGINT the reviews already queued finish first, so their
 * check runs complete, then the analysis processes stop.
 */
const otpReview: ApplicationFunction = (app, options) => {
  const analyser = new ProcessPoolAnalyser(sandboxSettingsFromEnv(process.env));
  return createApp({
    appId: Number(process.env.APP_ID),
    analyser,
    makeQueue: (worker, log) => {
      const queue = new InProcessReviewQueue(worker, log);
      for (const signal of ["SIGTERM", "SIGINT"] as const) {
        process.once(signal, () => {
          log.info({ signal }, "finishing queued reviews before exit");
          const deadline = new Promise((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref());
          // One deadline for both: a pool that does not close must not keep the process alive.
          void Promise.race([queue.drain().then(() => analyser.close()), deadline]).finally(() => process.exit(0));
        });
      }
      return queue;
    },
  })(app, options);
};

export default otpReview;
