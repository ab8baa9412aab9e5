import { setTimeout as sleep } from "node:timers/promises";
import type { GitHub } from "./octokit.js";

/** How often one request is retried after GitHub says to slow down, before the review gives up on it. */
export const MAX_RATE_LIMIT_RETRIES = 3;

/** GitHub asks for a minute when a secondary limit answer carries no `retry-after`. */
const DEFAULT_WAIT_MS = 60_000;

/**
 * Waits as long as GitHub's `retry-after` says and retries, when a request hits a secondary rate
 * limit (403 or 429). Probot retries primary limits itself but only logs secondary ones, and a
 * review whose comments were refused for going too fast would otherwise be lost.
 */
export function retryOnSecondaryRateLimit(octokit: GitHub, wait: (ms: number) => Promise<unknown> = sleep): void {
  octokit.hook.wrap("request", async (request, options) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await request(options);
      } catch (error) {
        const ms = secondaryLimitWait(error);
        if (ms === null || attempt >= MAX_RATE_LIMIT_RETRIES) throw error;
        await wait(ms);
      }
    }
  });
}

function secondaryLimitWait(error: unknown): number | null {
  const { status, message, response } = error as { status?: number; message?: string; response?: { headers?: Record<string, string | undefined> } };
  if (status !== 403 && status !== 429) return null;
  const retryAfter = Number(response?.headers?.["retry-after"]);
  if (Number.isFinite(retryAfter) && retryAfter > 0) return retryAfter * 1000;
  return /secondary rate/i.test(message ?? "") ? DEFAULT_WAIT_MS : null;
}
