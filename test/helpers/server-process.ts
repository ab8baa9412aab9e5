import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { APP_ID, PRIVATE_KEY, sign, WEBHOOK_SECRET } from "./probot.js";

/** The server as the Dockerfile runs it — `node dist/src/server.js` — pointed at a loopback GitHub. */
export class ServerProcess {
  readonly output: string[] = [];
  exitCode: number | null = null;
  #child: ChildProcess | undefined;
  #port = 0;

  constructor(
    private readonly githubHost: string,
    private readonly env: Record<string, string> = {},
  ) {}

  /** Starts it and waits until it answers `/healthz`. */
  async start(): Promise<void> {
    this.#port = await freePort();
    this.#child = spawn(process.execPath, ["dist/src/server.js"], {
      env: {
        PATH: process.env.PATH ?? "",
        NODE_ENV: "production",
        APP_ID: String(APP_ID),
        PRIVATE_KEY,
        WEBHOOK_SECRET,
        HOST: "127.0.0.1",
        PORT: String(this.#port),
        GHE_HOST: this.githubHost,
        GHE_PROTOCOL: "http",
        LOG_LEVEL: "info",
        OTP_REVIEW_STATE_DIR: mkdtempSync(join(tmpdir(), "otp-review-state-")),
        OTP_REVIEW_ANALYSIS_PROCESSES: "1",
        ...this.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    for (const stream of [this.#child.stdout!, this.#child.stderr!]) stream.on("data", (chunk: Buffer) => this.output.push(chunk.toString()));
    this.#child.once("exit", (code, signal) => (this.exitCode = code ?? (signal ? 128 : -1)));
    while (!(await this.#healthy())) {
      if (this.exitCode !== null) throw new Error(`the server exited at start (${this.exitCode}):\n${this.output.join("")}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Delivers a webhook as GitHub does: signed, with an event name and a delivery id. */
  async deliver(event: string, payload: object, deliveryId: string): Promise<number> {
    const body = JSON.stringify(payload);
    const response = await fetch(`http://127.0.0.1:${this.#port}/api/github/webhooks`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-github-event": event, "x-github-delivery": deliveryId, "x-hub-signature-256": sign(body) },
      body,
    });
    return response.status;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  signal(signal: NodeJS.Signals): void {
    this.#child?.kill(signal);
  }

  async exited(): Promise<number> {
    if (this.exitCode === null) await once(this.#child!, "exit");
    return this.exitCode!;
  }

  async #healthy(): Promise<boolean> {
    try {
      return (await fetch(`http://127.0.0.1:${this.#port}/healthz`)).ok;
    } catch {
      return false;
    }
  }
}

export async function until(condition: () => boolean | Promise<boolean>, what: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
