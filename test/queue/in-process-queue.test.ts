import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { InProcessReviewQueue } from "../../src/queue/in-process-queue.js";
import type { ReviewJob } from "../../src/queue/review-queue.js";

const log = pino({ level: "silent" });

function job(pullNumber: number, headSha: string): ReviewJob {
  return { installationId: 1, owner: "acme", repo: "shop", pullNumber, headSha, defaultBranch: "main", trigger: "pull_request.opened", deliveryId: `${pullNumber}-${headSha}` };
}

/** A worker whose jobs finish only when the test says so, recording what ran when. */
function controlledWorker() {
  const events: string[] = [];
  const finish = new Map<string, () => void>();
  let running = 0;
  let mostAtOnce = 0;
  const worker = async (j: ReviewJob) => {
    running++;
    mostAtOnce = Math.max(mostAtOnce, running);
    events.push(`start ${j.pullNumber}@${j.headSha}`);
    await new Promise<void>((resolve) => finish.set(`${j.pullNumber}@${j.headSha}`, resolve));
    events.push(`end ${j.pullNumber}@${j.headSha}`);
    running--;
  };
  const release = async (key: string) => {
    while (!finish.has(key)) await new Promise((r) => setImmediate(r));
    finish.get(key)!();
    finish.delete(key);
  };
  return { worker, events, release, mostAtOnce: () => mostAtOnce };
}

describe("InProcessReviewQueue", () => {
  it("runs the jobs of one pull request one at a time, in order", async () => {
    const w = controlledWorker();
    const queue = new InProcessReviewQueue(w.worker, log, { concurrency: 4 });

    await queue.enqueue(job(1, "a"));
    await queue.enqueue(job(1, "b"));
    await w.release("1@a");
    await w.release("1@b");
    await queue.drain();

    expect(w.events).toEqual(["start 1@a", "end 1@a", "start 1@b", "end 1@b"]);
  });

  it("runs different pull requests side by side, no more than its concurrency at once", async () => {
    const w = controlledWorker();
    const queue = new InProcessReviewQueue(w.worker, log, { concurrency: 2 });

    for (const n of [1, 2, 3]) await queue.enqueue(job(n, "a"));
    await w.release("1@a");
    await w.release("2@a");
    await w.release("3@a");
    await queue.drain();

    expect(w.mostAtOnce()).toBe(2);
    expect(w.events.indexOf("start 3@a")).toBeGreaterThan(w.events.indexOf("end 1@a"));
  });

  it("records a job once when the same commit is already waiting (a redelivery)", async () => {
    const w = controlledWorker();
    const queue = new InProcessReviewQueue(w.worker, log, { concurrency: 1 });

    await queue.enqueue(job(1, "a"));
    await queue.enqueue(job(1, "b"));
    await queue.enqueue(job(1, "b"));
    await w.release("1@a");
    await w.release("1@b");
    await queue.drain();

    expect(w.events.filter((e) => e.startsWith("start"))).toEqual(["start 1@a", "start 1@b"]);
  });

  it("drops a waiting review once a newer push of the same pull request is queued", async () => {
    const w = controlledWorker();
    const queue = new InProcessReviewQueue(w.worker, log, { concurrency: 1 });

    await queue.enqueue(job(1, "a"));
    await queue.enqueue(job(1, "b"));
    await queue.enqueue(job(1, "c"));
    await w.release("1@a");
    await w.release("1@c");
    await queue.drain();

    expect(w.events.filter((e) => e.startsWith("start"))).toEqual(["start 1@a", "start 1@c"]);
  });

  it("tells a running review to stop when a newer push of its pull request arrives, naming the newer commit", async () => {
    const signals = new Map<string, AbortSignal>();
    const w = controlledWorker();
    const queue = new InProcessReviewQueue(async (j, { superseded }) => {
      signals.set(`${j.pullNumber}@${j.headSha}`, superseded);
      await w.worker(j);
    }, log);

    await queue.enqueue(job(1, "a"));
    await queue.enqueue(job(2, "x"));
    while (!signals.has("1@a") || !signals.has("2@x")) await new Promise((r) => setImmediate(r));
    await queue.enqueue({ ...job(1, "a"), trigger: "check_run.rerequested", deliveryId: "rerun" });
    await queue.enqueue(job(1, "b"));

    expect(signals.get("1@a")!.aborted).toBe(true);
    expect(signals.get("1@a")!.reason).toBe("b");
    expect(signals.get("2@x")!.aborted).toBe(false);
    await w.release("1@a");
    await w.release("2@x");
    await w.release("1@b");
    await queue.drain();
    expect(signals.get("1@b")!.aborted).toBe(false);
  });

  it("goes on with the next job when one fails", async () => {
    const ran: string[] = [];
    const queue = new InProcessReviewQueue(async (j) => {
      ran.push(j.headSha);
      if (j.headSha === "a") throw new Error("GitHub is down");
    }, log);

    await queue.enqueue(job(1, "a"));
    await queue.enqueue(job(1, "b"));
    await queue.drain();

    expect(ran).toEqual(["a", "b"]);
  });
});
