import type { Logger } from "pino";
import type { ApplicationFunction } from "probot";
import { rules as allRules } from "../../rules/index.js";
import type { FileAnalyser } from "../engine/file-analyser.js";
import type { Rule } from "../engine/rule.js";
import { InProcessReviewQueue } from "../queue/in-process-queue.js";
import type { AbandonedReview, ReviewQueue, ReviewWorker } from "../queue/review-queue.js";
import { registerCommands } from "./commands.js";
import { registerHandlers } from "./handlers.js";
import { ServiceMetrics } from "./metrics.js";
import { opsHandler } from "./ops-handler.js";
import { abandonReview, reviewWorker } from "./worker.js";

export interface AppOptions {
  /** This app's id: check events of other apps are ignored. */
  appId: number;
  /** The rules to review with; every rule unless told otherwise. */
  rules?: readonly Rule[];
  /** Parses and judges each file: a process pool under a per-file budget in production. */
  analyser: FileAnalyser;
  /** Where the team hosts the rule pages (`OTP_REVIEW_DOCS_URL`); comments stand on their own without. */
  docsBaseUrl?: string;
  /** Builds the queue jobs wait in; the in-process queue unless told otherwise. */
  makeQueue?: (worker: ReviewWorker, log: Logger, abandon: AbandonedReview) => ReviewQueue;
}

/** The app: webhooks into the queue, reviews out of it, and `/healthz`, `/readyz`, `/metrics` beside the webhook route. */
export function createApp(options: AppOptions): ApplicationFunction {
  return (app, { addHandler }) => {
    const makeQueue = options.makeQueue ?? ((worker, log, abandon) => new InProcessReviewQueue(worker, log, { abandon }));
    // The gauge asks the queue only when scraped, by which time it exists.
    const metrics = new ServiceMetrics(() => queue.depth());
    const queue = makeQueue(reviewWorker(app, options.appId, options.rules ?? allRules, options.analyser, metrics, options.docsBaseUrl), app.log, abandonReview(app, metrics));
    app.onAny((context) => void metrics.deliveries.inc({ event: context.name }));
    registerHandlers(app, queue, options.appId);
    registerCommands(app, queue, options.appId, options.rules ?? allRules);
    addHandler(opsHandler(queue, metrics));
  };
}
