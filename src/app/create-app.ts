import type { Logger } from "pino";
import type { ApplicationFunction } from "probot";
import { rules as allRules } from "../../rules/index.js";
import type { FileAnalyser } from "../engine/file-analyser.js";
import type { Rule } from "../engine/rule.js";
import { InProcessReviewQueue } from "../queue/in-process-queue.js";
import type { AbandonedReview, ReviewQueue, ReviewWorker } from "../queue/review-queue.js";
import { registerHandlers } from "./handlers.js";
import { abandonReview, reviewWorker } from "./worker.js";

export interface AppOptions {
  /** This app's id: check events of other apps are ignored. */
  appId: number;
  /** The rules to review with; every rule unless told otherwise. */
  rules?: readonly Rule[];
  /** Parses and judges each file: a process pool under a per-file budget in production. */
  analyser: FileAnalyser;
  /** Builds the queue jobs wait in; the in-process queue unless told otherwise. */
  makeQueue?: (worker: ReviewWorker, log: Logger, abandon: AbandonedReview) => ReviewQueue;
}

export function createApp(options: AppOptions): ApplicationFunction {
  return (app) => {
    const makeQueue = options.makeQueue ?? ((worker, log, abandon) => new InProcessReviewQueue(worker, log, { abandon }));
    registerHandlers(app, makeQueue(reviewWorker(app, options.rules ?? allRules, options.analyser), app.log, abandonReview(app)), options.appId);
  };
}
