import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { schemaErrors, type Operation } from "./github-schemas.js";
import type { PullRequestData } from "./github-stand-in.js";
import { INSTALLATION_ID } from "./payloads.js";

/**
 * GitHub's REST API for one pull request, as a real HTTP server on loopback: for tests that run
 * the server as its own process (`node dist/src/server.js`), where nock cannot reach. The server
 * is pointed at it like at GitHub Enterprise (`GHE_HOST`, `GHE_PROTOCOL=http`). Request bodies
 * are checked against GitHub's REST description, as the nock stand-in does.
 */
export class LoopbackGitHub {
  readonly recorded = {
    checkRunCreates: [] as any[],
    checkRunUpdates: [] as Array<{ id: number; body: any }>,
    reviews: [] as any[],
    violations: [] as string[],
    writes: [] as Array<{ at: number; method: string; path: string }>,
  };
  /** How long each file's contents take to arrive: keeps a review running while a test acts. */
  contentDelayMs = 0;
  /** How long every answer takes, as over a network to GitHub. */
  latencyMs = 0;
  #server: Server | undefined;
  #nextCheckRunId = 1;

  constructor(private readonly pr: PullRequestData) {}

  /** Listens on a free loopback port; returns `host:port` for GHE_HOST. */
  async start(): Promise<string> {
    this.#server = createServer((request, response) => void this.#answer(request, response));
    this.#server.listen(0, "127.0.0.1");
    await once(this.#server, "listening");
    return `127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise((resolve) => this.#server?.close(resolve));
  }

  async #answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://localhost");
    // Every pull request of the repository has the same files: a burst may name many.
    const path = decodeURIComponent(url.pathname.replace(/^\/api\/v3/, "")).replace(/\/pulls\/\d+/, `/pulls/${this.pr.number}`);
    const body = await readBody(request);
    const repo = `/repos/${this.pr.owner}/${this.pr.repo}`;
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    if (request.method !== "GET") this.recorded.writes.push({ at: performance.now(), method: request.method ?? "", path });
    const send = (status: number, data: unknown): void => void response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(data));
    const checked = (operation: Operation, ok: () => void) => {
      const errors = schemaErrors(operation, body);
      if (errors === null) return ok();
      this.recorded.violations.push(`${operation}: ${errors}`);
      send(422, { message: "Invalid request.", errors: [errors] });
    };

    if (request.method === "POST" && path === `/app/installations/${INSTALLATION_ID}/access_tokens`) return send(201, { token: "ghs_loopback", expires_at: "2099-01-01T00:00:00Z" });
    if (request.method === "POST" && path === `${repo}/check-runs`) {
      return checked("checks/create", () => {
        this.recorded.checkRunCreates.push(body);
        send(201, { id: this.#nextCheckRunId++, status: "in_progress" });
      });
    }
    const update = /\/check-runs\/(\d+)$/.exec(path);
    if (request.method === "PATCH" && update && path.startsWith(repo)) {
      return checked("checks/update", () => {
        this.recorded.checkRunUpdates.push({ id: Number(update[1]), body });
        send(200, { id: Number(update[1]) });
      });
    }
    if (request.method === "GET" && path === `${repo}/commits/${this.pr.headSha}/check-runs`) {
      const runs = this.recorded.checkRunCreates.map((create, i) => {
        const id = i + 1;
        const done = this.recorded.checkRunUpdates.some((u) => u.id === id && u.body.status === "completed");
        return { id, name: create.name, head_sha: create.head_sha, status: done ? "completed" : "in_progress", app: { id: Number(url.searchParams.get("app_id") ?? 0) } };
      });
      return send(200, { total_count: runs.length, check_runs: runs.filter((run) => run.name === url.searchParams.get("check_name")).reverse() });
    }
    if (request.method === "GET" && path.endsWith("/contents/.github/otp-review.yml")) return send(404, { message: "Not Found" });
    if (request.method === "GET" && path === `${repo}/pulls/${this.pr.number}/files`) return send(200, url.searchParams.get("page") && url.searchParams.get("page") !== "1" ? [] : this.pr.files);
    if (request.method === "GET" && path.startsWith(`${repo}/contents/`)) {
      const file = path.slice(`${repo}/contents/`.length);
      const text = this.pr.contents[file];
      if (text === undefined) return send(404, { message: "Not Found" });
      await new Promise((resolve) => setTimeout(resolve, this.contentDelayMs));
      return void response.writeHead(200, { "content-type": "application/vnd.github.raw" }).end(text);
    }
    if (request.method === "GET" && path === `${repo}/pulls/${this.pr.number}/comments`) return send(200, []);
    if (request.method === "GET" && path === `${repo}/pulls/${this.pr.number}`) return send(200, { number: this.pr.number, head: { sha: this.pr.headSha } });
    if (request.method === "POST" && path === `${repo}/pulls/${this.pr.number}/reviews`) {
      return checked("pulls/create-review", () => {
        this.recorded.reviews.push(body);
        send(200, { id: 77, state: "COMMENTED" });
      });
    }
    send(404, { message: `Not Found (the loopback GitHub does not answer ${request.method} ${path})` });
  }
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString();
  return text ? JSON.parse(text) : undefined;
}
