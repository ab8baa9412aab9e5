import { ProbotOctokit } from "probot";

/** How often one request is retried after GitHub says to slow down, before the review gives up on it. */
export const MAX_RATE_LIMIT_RETRIES = 3;

interface ThrottledRequest {
  method: string;
  url: string;
}

interface LoggingOctokit {
  log: { warn(message: string): void };
}

/**
 * Probot's Octokit with its throttling plugin told to retry, a bounded number of times, after a
 * primary or a secondary rate limit (Probot's default only logs secondary ones, and a review
 * whose comments were refused for going too fast would be lost). The plugin waits as long as
 * GitHub's `retry-after` says, and, with REDIS_URL, Probot paces writes across every replica.
 * The function form of `defaults` keeps the options Probot passes (its Redis connection).
 */
export function withRateLimitRetries<T extends typeof ProbotOctokit>(Base: T): T {
  const retry = (kind: string) => (retryAfter: number, options: ThrottledRequest, octokit: LoggingOctokit, retryCount: number) => {
    const again = retryCount < MAX_RATE_LIMIT_RETRIES;
    octokit.log.warn(`${kind} rate limit on ${options.method} ${options.url}: ${again ? `retrying in ${retryAfter} s (retry ${retryCount + 1} of ${MAX_RATE_LIMIT_RETRIES})` : "giving up"}`);
    return again;
  };
  return Base.defaults((options: Record<string, unknown>) => ({
    ...options,
    throttle: { ...(options["throttle"] as object), onRateLimit: retry("Primary"), onSecondaryRateLimit: retry("Secondary") },
  })) as T;
}

export const OtpReviewOctokit = withRateLimitRetries(ProbotOctokit);
