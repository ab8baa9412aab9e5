import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import nock from "nock";
import { pino } from "pino";
import { createNodeMiddleware, createProbot, Probot } from "probot";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rules } from "../../rules/index.js";
import { createApp } from "../../src/app/create-app.js";
import { defineRule } from "../../src/engine/rule.js";
import { InProcessReviewQueue } from "../../src/queue/in-process-queue.js";
import { ProcessPoolAnalyser } from "../../src/sandbox/process-pool-analyser.js";
import type { ReviewQueue } from "../../src/queue/review-queue.js";
import { closeTheNetwork, EXAMPLE_ELIXIR_FILES, examplePullRequest, GitHubStandIn } from "../helpers/github-stand-in.js";
import { pullRequestEvent } from "../helpers/payloads.js";
import { APP_ID, createTestApp, deliver, PRIVATE_KEY, sign, TestOctokit, WEBHOOK_SECRET } from "../helpers/probot.js";

const ELIXIR_FILES = EXAMPLE_ELIXIR_FILES;

closeTheNetwork();

// Files are analysed in a process pool here: no default 5 s timeout around its processes on a busy machine.
describe("the webhook endpoint", { timeout: 60_000 }, () => {
  let server: Server;
  let queue: ReviewQueue;

  let analyser: ProcessPoolAnalyser;

  beforeEach(async () => {
    const probot = new Probot({ appId: APP_ID, privateKey: PRIVATE_KEY, secret: WEBHOOK_SECRET, logLevel: "fatal", Octokit: TestOctokit });
    // As in production: files are analysed in the process pool.
    analyser = new ProcessPoolAnalyser({ processes: 1 });
    const middleware = await createNodeMiddleware(createApp({ appId: APP_ID, analyser, makeQueue: (worker, log) => (queue = new InProcessReviewQueue(worker, log)) }), { probot });
    server = createServer((req, res) => void middleware(req, res, () => res.writeHead(404).end()));
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    nock.enableNetConnect("127.0.0.1");
  });

  afterEach(async () => {
    server.close();
    await analyser.close();
  });

  async function post(body: string, signature: string): Promise<Response> {
    const { port } = server.address() as AddressInfo;
    return fetch(`http://127.0.0.1:${port}/api/github/webhooks`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-github-event": "pull_request", "x-github-delivery": "d-1", "x-hub-signature-256": signature },
      body,
    });
  }

  it("acknowledges a signed delivery before the review runs, then completes the review", async () => {
    const pr = examplePullRequest();
    const github = new GitHubStandIn(pr);
    // The installation token arrives late: the delivery must be answered without waiting for it.
    github.scope
      .post(/\/app\/installations\/\d+\/access_tokens/)
      .delay(300)
      .reply(201, { token: "ghs_test", expires_at: "2099-01-01T00:00:00Z" });
    github.createCheckRun().policy().listFiles().contents(ELIXIR_FILES).comments([]).headCommit().createReview().updateCheckRun();
    const body = JSON.stringify(pullRequestEvent("opened", pr));

    const response = await post(body, sign(body));

    expect(response.status).toBe(200);
    expect(github.recorded.checkRunCreates).toEqual([]);
    await queue.drain();
    expect(github.scope.pendingMocks()).toStrictEqual([]);
    expect(github.recorded.checkRunUpdates[0]!.body.status).toBe("completed");
  });

  it("answers a signed payload that lacks the fields a review needs with 200, and asks GitHub nothing", async () => {
    const event = pullRequestEvent("opened", examplePullRequest()) as { pull_request: Record<string, unknown> };
    delete event.pull_request["head"];
    const body = JSON.stringify(event);

    const response = await post(body, sign(body));

    expect(response.status).toBe(200);
    await queue.drain();
    // closeTheNetwork() fails any request no stand-in answers: none was made.
  });

  it("answers /healthz, /readyz and /metrics beside the webhook, the metrics counting the review just done", async () => {
    const pr = examplePullRequest();
    const github = new GitHubStandIn(pr).installationToken().createCheckRun().policy().listFiles().contents(ELIXIR_FILES).comments([]).headCommit().createReview().updateCheckRun();
    const body = JSON.stringify(pullRequestEvent("opened", pr));
    await post(body, sign(body));
    await queue.drain();
    const { port } = server.address() as AddressInfo;
    const get = (path: string) => fetch(`http://127.0.0.1:${port}${path}`);

    const [health, ready, metrics] = await Promise.all([get("/healthz"), get("/readyz"), get("/metrics")]);
    const text = await metrics.text();

    expect(github.scope.pendingMocks()).toStrictEqual([]);
    expect([health.status, ready.status, metrics.status]).toEqual([200, 200, 200]);
    expect(metrics.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(text).toContain('otp_review_deliveries_total{event="pull_request"} 1');
    expect(text).toContain('otp_review_reviews_total{outcome="failure"} 1');
    expect(text).toMatch(/otp_review_github_requests_total\{status="201"\} [2-9]/);
    expect(text).toMatch(/otp_review_findings_total\{rule="[a-z-]+"\} \d/);
    expect(text).toContain('otp_review_queue_jobs{state="waiting"} 0');
    expect(text).toMatch(/otp_review_review_duration_seconds_count 1/);
  });

  it("rejects a delivery whose signature does not match, and does nothing", async () => {
    const body = JSON.stringify(pullRequestEvent("opened", examplePullRequest()));

    const response = await post(body, sign(`${body} `));

    expect(response.status).toBe(400);
    await queue.drain();
  });
});

describe("GitHub Enterprise Server", () => {
  it("sends every API call to GHE_HOST over GHE_PROTOCOL", async () => {
    const probot = createProbot({
      env: { APP_ID: String(APP_ID), PRIVATE_KEY, WEBHOOK_SECRET, GHE_HOST: "github.acme.internal", GHE_PROTOCOL: "https", LOG_LEVEL: "fatal" },
      overrides: { Octokit: TestOctokit },
    });
    const app = await createTestApp(probot);
    const pr = examplePullRequest();
    const github = new GitHubStandIn(pr, "https://github.acme.internal/api/v3")
      .installationToken()
      .createCheckRun()
      .policy()
      .listFiles()
      .contents(ELIXIR_FILES)
      .comments([])
      .headCommit()
      .createReview()
      .updateCheckRun();

    await deliver(probot, "pull_request", pullRequestEvent("opened", pr));
    await app.drain();

    expect(github.scope.pendingMocks()).toStrictEqual([]);
    expect(github.recorded.reviews).toHaveLength(1);
    expect(github.recorded.checkRunUpdates[0]!.body.conclusion).toBe("failure");
  });
});

function loggingProbot(lines: string[]): Probot {
  const sink = new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) });
  return new Probot({ appId: APP_ID, privateKey: PRIVATE_KEY, secret: WEBHOOK_SECRET, log: pino({ level: "trace" }, sink), Octokit: TestOctokit });
}

describe("logging", () => {
  it("writes one structured line per review, without the token or the key", async () => {
    const lines: string[] = [];
    const probot = loggingProbot(lines);
    const app = await createTestApp(probot);
    const pr = examplePullRequest();
    new GitHubStandIn(pr).installationToken().createCheckRun().policy().listFiles().contents(ELIXIR_FILES).comments([]).headCommit().createReview().updateCheckRun();

    await deliver(probot, "pull_request", pullRequestEvent("opened", pr), "delivery-77");
    await app.drain();

    const reviews = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === "review completed");
    expect(reviews).toHaveLength(1);
    expect(reviews[0]).toMatchObject({ repo: "acme/shop", pr: 42, sha: pr.headSha, deliveryId: "delivery-77", files: 5, findings: 6, comments: 4, conclusion: "failure" });
    expect(reviews[0].durationMs).toEqual(expect.any(Number));
    const all = lines.join("");
    expect(all).not.toContain("ghs_test_installation_token");
    expect(all).not.toContain(PRIVATE_KEY.split("\n")[1]);
  });
});

describe("a rule that throws", () => {
  it("is logged with its id and the file, reported in the check run, and the other rules still speak", async () => {
    const exploding = defineRule({
      meta: { ...rules[0]!.meta, id: "exploding" },
      query: "(call) @report",
      refine: () => {
        throw new Error("boom");
      },
      examples: { valid: [], invalid: [] },
    });
    const lines: string[] = [];
    const probot = loggingProbot(lines);
    const app = await createTestApp(probot, [exploding, ...rules]);
    const pr = examplePullRequest();
    const github = new GitHubStandIn(pr).installationToken().createCheckRun().policy().listFiles().contents(ELIXIR_FILES).comments([]).headCommit().createReview().updateCheckRun();

    await deliver(probot, "pull_request", pullRequestEvent("opened", pr));
    await app.drain();

    const completed = github.recorded.checkRunUpdates[0]!.body;
    expect(completed.conclusion).toBe("failure");
    expect(completed.output.summary).toContain("`lib/shop/cluster.ex` rule exploding failed on this file: boom");
    expect(github.recorded.reviews[0].comments).toHaveLength(4);
    const failures = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === "rule failed on a file");
    expect(failures).toContainEqual(expect.objectContaining({ ruleId: "exploding", path: "lib/shop/cluster.ex", reason: expect.stringContaining("boom") }));
  });
});
