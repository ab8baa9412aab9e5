import type { Probot } from "probot";
import type { ReviewQueue } from "../queue/review-queue.js";
import { RERUN_ACTION } from "../report/check-run.js";
import { CHECK_FIELDS, jobFromCheck, jobFromPullRequest, missingFields, PULL_REQUEST_FIELDS } from "./jobs.js";

/**
 * Pull request events that put a head commit in front of reviewers, or change whether it is
 * reviewed (the policy's skip label added or removed).
 */
export const REVIEWED_PULL_REQUEST_ACTIONS = ["opened", "synchronize", "reopened", "ready_for_review", "labeled", "unlabeled"] as const;

/**
 * Webhook → job, nothing else: GitHub gives up on a delivery after 10 s and Probot answers only
 * when the handler returns, so the review itself runs from the queue.
 */
export function registerHandlers(app: Probot, queue: ReviewQueue, ourAppId: number): void {
  /** False, with a log line, for a payload without the fields a job needs. */
  const wellFormed = (payload: unknown, fields: readonly string[], name: string, deliveryId: string) => {
    const missing = missingFields(payload, fields);
    if (missing.length > 0) app.log.warn({ event: name, deliveryId, missing }, "ignored a malformed webhook payload");
    return missing.length === 0;
  };

  app.on(
    REVIEWED_PULL_REQUEST_ACTIONS.map((action) => `pull_request.${action}` as const),
    async (context) => {
      if (!wellFormed(context.payload, PULL_REQUEST_FIELDS, context.name, context.id)) return;
      const job = jobFromPullRequest(context.payload, context.id);
      if (job) await queue.enqueue(job);
    },
  );

  app.on("check_run.rerequested", async (context) => {
    const payload = { ...context.payload, check: context.payload.check_run };
    if (!wellFormed(payload, CHECK_FIELDS, context.name, context.id)) return;
    const job = jobFromCheck("check_run", payload, context.id, ourAppId);
    if (job) await queue.enqueue(job);
  });

  // The "Re-run review" button of a run that could not finish.
  app.on("check_run.requested_action", async (context) => {
    if (context.payload.requested_action?.identifier !== RERUN_ACTION.identifier) return;
    const payload = { ...context.payload, check: context.payload.check_run };
    if (!wellFormed(payload, CHECK_FIELDS, context.name, context.id)) return;
    const job = jobFromCheck("check_run", payload, context.id, ourAppId);
    if (job) await queue.enqueue(job);
  });

  app.on("check_suite.rerequested", async (context) => {
    const payload = { ...context.payload, check: context.payload.check_suite };
    if (!wellFormed(payload, CHECK_FIELDS, context.name, context.id)) return;
    const job = jobFromCheck("check_suite", payload, context.id, ourAppId);
    if (job) await queue.enqueue(job);
  });
}
