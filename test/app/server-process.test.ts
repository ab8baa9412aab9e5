import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { redisUrl } from "../helpers/redis.js";
import { examplePullRequest } from "../helpers/github-stand-in.js";
import { LoopbackGitHub } from "../helpers/loopback-github.js";
import { pullRequestEvent } from "../helpers/payloads.js";
import { ServerProcess, until } from "../helpers/server-process.js";

/** These start Node processes (each compiling the rules' queries) on what may be a busy two-core machine. */
const SLOW = 120_000;

const cleanups: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function loopbackGitHub(contentDelayMs = 0): Promise<{ github: LoopbackGitHub; host: string }> {
  const github = new LoopbackGitHub(examplePullRequest());
  github.contentDelayMs = contentDelayMs;
  const host = await github.start();
  cleanups.push(() => github.close());
  return { github, host };
}

async function startServer(host: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const server = new ServerProcess(host, env);
  cleanups.push(() => {
    if (server.exitCode === null) server.signal("SIGKILL");
  });
  await server.start();
  return server;
}

const completed = (github: LoopbackGitHub) => github.recorded.checkRunUpdates.filter((u) => u.body.status === "completed");

describe("the server process, run as the container runs it", () => {
  it("on SIGTERM during a review, finishes it, completes its check run and exits in time", { timeout: SLOW }, async () => {
    const { github, host } = await loopbackGitHub(400);
    const server = await startServer(host, { OTP_REVIEW_SHUTDOWN_GRACE_MS: "30000" });

    expect(await server.deliver("pull_request", pullRequestEvent("opened", examplePullRequest()), randomUUID())).toBe(200);
    await until(() => github.recorded.checkRunCreates.length === 1, "the check run to open", SLOW);
    const signalled = Date.now();
    server.signal("SIGTERM");

    expect(await server.exited()).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(30_000);
    expect(completed(github)).toHaveLength(1);
    expect(completed(github)[0]!.body.conclusion).toBe("failure");
    expect(github.recorded.reviews).toHaveLength(1);
    expect(github.recorded.violations).toEqual([]);
  });

  it("without Redis, killed mid-review: the next start completes the run the killed process opened", { timeout: SLOW }, async () => {
    const { github, host } = await loopbackGitHub(1_500);
    const stateDir = `${(await import("node:os")).tmpdir()}/otp-review-state-${randomUUID()}`;
    const killed = await startServer(host, { OTP_REVIEW_STATE_DIR: stateDir });

    await killed.deliver("pull_request", pullRequestEvent("opened", examplePullRequest()), randomUUID());
    await until(() => github.recorded.checkRunCreates.length === 1, "the check run to open", SLOW);
    killed.signal("SIGKILL");
    await killed.exited();
    github.contentDelayMs = 0;
    const restartedAt = Date.now();
    await startServer(host, { OTP_REVIEW_STATE_DIR: stateDir });
    await until(() => completed(github).length === 1, "the restarted server to complete the run", SLOW);

    expect(github.recorded.checkRunCreates).toHaveLength(1);
    expect(completed(github)[0]!.id).toBe(1);
    expect(github.recorded.violations).toEqual([]);
    console.info(`recovery without Redis: run completed ${Date.now() - restartedAt} ms after the restart began`);
  });

  describe("with Redis", () => {
    const redis = () => ({ REDIS_URL: redisUrl(), OTP_REVIEW_JOB_LOCK_MS: "2000" });

    it("two replicas on one queue review a head once", { timeout: SLOW }, async () => {
      const { github, host } = await loopbackGitHub();
      const env = { ...redis(), OTP_REVIEW_REDIS_PREFIX: `t-${randomUUID()}` };
      const [a, b] = await Promise.all([startServer(host, env), startServer(host, env)]);
      const event = pullRequestEvent("synchronize", examplePullRequest());

      await Promise.all([a!.deliver("pull_request", event, randomUUID()), b!.deliver("pull_request", event, randomUUID()), a!.deliver("pull_request", event, randomUUID())]);
      await until(() => completed(github).length >= 1, "the review", SLOW);
      a!.signal("SIGTERM");
      b!.signal("SIGTERM");
      await Promise.all([a!.exited(), b!.exited()]);

      expect(github.recorded.checkRunCreates).toHaveLength(1);
      expect(completed(github)).toHaveLength(1);
      expect(github.recorded.reviews).toHaveLength(1);
    });

    it("a replica killed mid-review: another takes the job up and completes the same check run", { timeout: SLOW }, async () => {
      const { github, host } = await loopbackGitHub(1_500);
      const env = { ...redis(), OTP_REVIEW_REDIS_PREFIX: `t-${randomUUID()}` };
      const killed = await startServer(host, env);

      await killed.deliver("pull_request", pullRequestEvent("opened", examplePullRequest()), randomUUID());
      await until(() => github.recorded.checkRunCreates.length === 1, "the check run to open", SLOW);
      const survivor = await startServer(host, env);
      killed.signal("SIGKILL");
      const killedAt = Date.now();
      github.contentDelayMs = 0;
      await until(() => completed(github).length === 1, "the other replica to complete the run", SLOW);
      const recovery = Date.now() - killedAt;
      survivor.signal("SIGTERM");
      await survivor.exited();

      expect(github.recorded.checkRunCreates).toHaveLength(1);
      expect(completed(github)[0]!.id).toBe(1);
      console.info(`recovery with Redis (lock 2 s): run completed ${recovery} ms after the kill`);
    });
  });
});
