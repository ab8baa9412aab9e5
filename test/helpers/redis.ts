import { inject } from "vitest";

/** The Redis the test setup started (or REDIS_URL); a test that needs one fails with the reason when there is none. */
export function redisUrl(): string {
  const url = inject("redisUrl");
  if (!url) throw new Error(inject("redisMissing"));
  return url;
}
