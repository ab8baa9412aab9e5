import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rules } from "../../rules/index.js";
import { createApp } from "../../src/app/create-app.js";
import { inProcessAnalyser, type FileAnalyser } from "../../src/engine/file-analyser.js";
import { InProcessReviewQueue } from "../../src/queue/in-process-queue.js";
import { Journal } from "../../src/queue/journal.js";
import { closeTheNetwork, EXAMPLE_ELIXIR_FILES, examplePullRequest, GitHubStandIn } from "../helpers/github-stand-in.js";
import { pullRequestEvent } from "../helpers/payloads.js";
import { APP_ID, deliver, testProbot, WITHOUT_SERVER } from "../helpers/probot.js";

closeTheNetwork();

/** An analyser that never answers: the review hangs mid-analysis, as one does when its process is killed. */
const hanging: FileAnalyser = { analyse: () => new Promise(() => undefined), close: async () => undefined };

/** The app as a server process starts it without Redis: an in-process queue with its journal, resumed at start. */
async function startServer(journalPath: string, analyser: FileAnalyser) {
  const probot = testProbot();
  let queue!: InProcessReviewQueue;
  await probot.load(
    createApp({ appId: APP_ID, analyser, makeQueue: (worker, log, abandon) => (queue = new InProcessReviewQueue(worker, log, { journal: new Journal(journalPath, log), abandon })) }),
    WITHOUT_SERVER,
  );
  return { probot, queue };
}

async function journalText(path: string): Promise<string> {
  return readFile(path, "utf8").catch(() => "");
}

describe("a server killed mid-review", () => {
  it("leaves no check run in progress: the next start completes the run the killed process opened, without opening another", async () => {
    const journal = join(await mkdtemp(join(tmpdir(), "otp-review-journal-")), "journal.json");
    const pr = examplePullRequest();
    const before = new GitHubStandIn(pr).installationToken().createCheckRun().policy().listFiles().contents(EXAMPLE_ELIXIR_FILES);
    const killed = await startServer(journal, hanging);

    await deliver(killed.probot, "pull_request", pullRequestEvent("opened", pr));
    while (!(await journalText(journal)).includes('"checkRunId"')) await new Promise((resolve) => setImmediate(resolve));
    const opened = before.recorded.checkRunCreates.length;

    // The next process: same journal, a working analyser. It must not open a second run.
    const after = new GitHubStandIn(pr).installationToken().policy().listFiles().contents(EXAMPLE_ELIXIR_FILES).comments([]).headCommit().createReview().updateCheckRun();
    const restarted = await startServer(journal, inProcessAnalyser(rules));
    await restarted.queue.resume();
    await restarted.queue.drain();

    expect(opened).toBe(1);
    expect(after.recorded.checkRunCreates).toEqual([]);
    expect(after.recorded.checkRunUpdates).toHaveLength(1);
    expect(after.recorded.checkRunUpdates[0]).toMatchObject({ id: 9000, body: { status: "completed", conclusion: "failure" } });
    expect(after.scope.pendingMocks()).toStrictEqual([]);
    expect(JSON.parse(await journalText(journal))).toEqual([]);
  });

  it("starts with an empty queue when the journal is corrupt, rather than not at all", async () => {
    const dir = await mkdtemp(join(tmpdir(), "otp-review-journal-"));
    await writeFile(join(dir, "journal.json"), "{ not json");
    const server = await startServer(join(dir, "journal.json"), hanging);

    expect(await server.queue.resume()).toBe(0);
  });
});
