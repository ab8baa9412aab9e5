import { createHmac, generateKeyPairSync } from "node:crypto";
import { Probot, ProbotOctokit } from "probot";
import { withRateLimitRetries } from "../../src/github/rate-limits.js";
import { rules as allRules } from "../../rules/index.js";
import { createApp } from "../../src/app/create-app.js";
import { inProcessAnalyser, type FileAnalyser } from "../../src/engine/file-analyser.js";
import type { Rule } from "../../src/engine/rule.js";
import { InProcessReviewQueue } from "../../src/queue/in-process-queue.js";
import type { ReviewQueue } from "../../src/queue/review-queue.js";

export const APP_ID = 123;
export const WEBHOOK_SECRET = "test-webhook-secret";

const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});
export const PRIVATE_KEY = privateKey;

/**
 * Retries and throttling off, through the function form of `defaults`: the object form keeps
 * throttling on, and every write would wait about a second.
 */
export const TestOctokit = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  retry: { enabled: false },
  throttle: { ...(options["throttle"] as object), enabled: false },
}));

export interface TestApp {
  probot: Probot;
  /** Runs every queued review to its end. */
  drain(): Promise<void>;
}

/**
 * The Octokit the server runs with (throttling on, rate-limit retries bounded), with only the
 * plugin-retry of 5xx answers off: for tests of how the app rides out GitHub's rate limits.
 */
export const ThrottledTestOctokit = withRateLimitRetries(ProbotOctokit.defaults((options: Record<string, unknown>) => ({ ...options, retry: { enabled: false } })));

export function testProbot(Octokit: typeof ProbotOctokit = TestOctokit): Probot {
  return new Probot({ appId: APP_ID, privateKey, secret: WEBHOOK_SECRET, logLevel: "fatal", Octokit });
}

/**
 * The app loaded into a Probot like the one `probot run` makes; `probot` replaces it (GHE,
 * logging). Files are analysed in the test's process unless `analyser` says otherwise: the
 * process pool and its budget have tests of their own, through the app too.
 */
export async function createTestApp(probot = testProbot(), rules?: readonly Rule[], analyser: FileAnalyser = inProcessAnalyser(rules ?? allRules)): Promise<TestApp> {
  let queue: ReviewQueue | undefined;
  await probot.load(
    createApp({ appId: APP_ID, analyser, ...(rules ? { rules } : {}), makeQueue: (worker, log, abandon) => (queue = new InProcessReviewQueue(worker, log, { abandon })) }),
    WITHOUT_SERVER,
  );
  return { probot, drain: () => queue!.drain() };
}

/** Loading options for a Probot without an HTTP server: the app's own routes (`/healthz`…) have nowhere to go. */
export const WITHOUT_SERVER = { cwd: process.cwd(), addHandler: () => undefined };

export function sign(body: string): string {
  return `sha256=${createHmac("sha256", WEBHOOK_SECRET).update(body).digest("hex")}`;
}

/** Delivers a webhook the way GitHub does: a JSON body with its HMAC signature, verified before any handler runs. */
export async function deliver(probot: Probot, name: string, payload: object, id = `delivery-${Math.random().toString(16).slice(2)}`): Promise<void> {
  const body = JSON.stringify(payload);
  await probot.webhooks.verifyAndReceive({ id, name: name as never, payload: body, signature: sign(body) });
}
