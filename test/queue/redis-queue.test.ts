import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { redisUrl } from "../helpers/redis.js";
import { RedisReviewQueue, type RedisQueueOptions } from "../../src/queue/redis-queue.js";
import type { ReviewJob, ReviewRun } from "../../src/queue/review-queue.js";

const log = pino({ level: "silent" });
const url = redisUrl();
/** Generous: these tests talk to a real Redis and, in one, start a Node process on a busy machine. */
const SLOW = 60_000;

function job(pullNumber: number, headSha: string, deliveryId = `${pullNumber}-${headSha}-${randomUUID()}`): ReviewJob {
  return { installationId: 1, owner: "acme", repo: "shop", pullNumber, headSha, defaultBranch: "main", trigger: "pull_request.synchronize", deliveryId };
}

const open: RedisReviewQueue[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((q) => q.close(1_000)));
});

/** A queue under its own key prefix, so tests sharing one Redis never see each other's jobs. */
function queueFor(prefix: string, worker: (job: ReviewJob, run: ReviewRun) => Promise<void>, options: Partial<RedisQueueOptions> = {}): RedisReviewQueue {
  const queue = new RedisReviewQueue(worker, log, { url, prefix, concurrency: 4, abandon: async () => undefined, lockMs: 2_000, stalledCheckMs: 500, ...options });
  open.push(queue);
  return queue;
}

async function until(condition: () => boolean | Promise<boolean>, what: string, ms = SLOW): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function isEmpty(depth: { waiting: number; active: number }): boolean {
  return depth.waiting === 0 && depth.active === 0;
}

describe("RedisReviewQueue", () => {
  it("reviews a head once: a redelivery, a second event for the same head and a second replica add nothing", { timeout: SLOW }, async () => {
    const prefix = `t-${randomUUID()}`;
    const reviewed: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const worker = async (j: ReviewJob) => {
      reviewed.push(`${j.pullNumber}@${j.headSha}`);
      await gate;
    };
    const first = queueFor(prefix, worker);
    const second = queueFor(prefix, worker);

    const delivery = job(1, "aaa");
    await first.enqueue(delivery);
    await first.enqueue(delivery);
    await second.enqueue(job(1, "aaa"));
    await until(() => reviewed.length === 1, "the review to start");
    await second.enqueue(job(1, "aaa"));
    release();
    await until(async () => isEmpty(await first.depth()), "the queue to empty");

    expect(reviewed).toEqual(["1@aaa"]);
  });

  it("stops a running review when a newer head of its pull request arrives, and skips a waiting older one", { timeout: SLOW }, async () => {
    const prefix = `t-${randomUUID()}`;
    const signals = new Map<string, AbortSignal>();
    const reviewed: string[] = [];
    const queue = queueFor(
      prefix,
      async (j, run) => {
        reviewed.push(j.headSha);
        signals.set(j.headSha, run.superseded);
        if (j.headSha === "aaa") await new Promise((resolve) => run.superseded.addEventListener("abort", resolve));
      },
      { concurrency: 1 },
    );

    await queue.enqueue(job(7, "aaa"));
    await until(() => signals.has("aaa"), "the first review to start");
    await queue.enqueue(job(7, "bbb"));
    await queue.enqueue(job(7, "ccc"));
    await until(() => reviewed.includes("ccc"), "the newest head's review");

    expect(signals.get("aaa")!.aborted).toBe(true);
    expect(signals.get("aaa")!.reason).toBe("bbb");
    expect(reviewed).toEqual(["aaa", "ccc"]);
  });

  it("takes up a job whose process was killed and completes the check run that process opened", { timeout: SLOW }, async () => {
    const prefix = `t-${randomUUID()}`;
    const child = spawn(process.execPath, ["test/helpers/redis-queue-process.mjs", url, prefix, JSON.stringify(job(3, "abc"))], { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("check run opened") && resolve());
      child.once("exit", (code) => reject(new Error(`the worker process exited early (${code})`)));
    });
    child.kill("SIGKILL");
    const killedAt = Date.now();

    const resumed: ReviewJob[] = [];
    queueFor(prefix, async (j) => void resumed.push(j));
    await until(() => resumed.length === 1, "another process to take the job up");

    expect(resumed[0]).toMatchObject({ pullNumber: 3, headSha: "abc", checkRunId: 4242 });
    // Lock (1 s) plus one stalled check (0.5 s), with room for a busy machine.
    expect(Date.now() - killedAt).toBeLessThan(SLOW);
  });

  it("gives up after its attempts and hands the job, with the check run it opened, to be completed", { timeout: SLOW }, async () => {
    const prefix = `t-${randomUUID()}`;
    const abandoned: Array<{ job: ReviewJob; reason: string }> = [];
    let tries = 0;
    queueFor(
      prefix,
      async (_j, run) => {
        tries++;
        await run.rememberCheckRun(99);
        throw new Error("GitHub answered 502");
      },
      { attempts: 2, backoffMs: 10, abandon: async (j, reason) => void abandoned.push({ job: j, reason }) },
    ).enqueue(job(5, "fff"));
    await until(() => abandoned.length === 1, "the job to be abandoned");

    expect(tries).toBe(2);
    expect(abandoned[0]!.job.checkRunId).toBe(99);
    expect(abandoned[0]!.reason).toBe("GitHub answered 502");
  });

  it("loses nothing in a burst of 500 deliveries shared by two replicas", { timeout: SLOW }, async () => {
    const prefix = `t-${randomUUID()}`;
    const reviewed: number[] = [];
    const worker = async (j: ReviewJob) => void reviewed.push(j.pullNumber!);
    const replicas = [queueFor(prefix, worker, { concurrency: 8 }), queueFor(prefix, worker, { concurrency: 8 })];

    await Promise.all(Array.from({ length: 500 }, (_, i) => replicas[i % 2]!.enqueue(job(i + 1, "abc"))));
    await until(async () => reviewed.length >= 500 && isEmpty(await replicas[0]!.depth()), "every review");

    expect(reviewed.length).toBe(500);
    expect(new Set(reviewed).size).toBe(500);
  });
});
