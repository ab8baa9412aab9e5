import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** A real Redis for the durable-queue tests: REDIS_URL when set, else a redis-server started here; empty when neither. */
    redisUrl: string;
    /** Why there is no Redis, when there is none. */
    redisMissing: string;
  }
}

/**
 * The CLI and demo tests run the compiled program, as a user does: build it once first. The
 * queue tests need a real Redis: use REDIS_URL, or start `redis-server` (the Debian package;
 * `.ci/run` installs it) on a free loopback port, without persistence, for this run only.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { stdio: "inherit" });
  if (process.env.REDIS_URL) {
    project.provide("redisUrl", process.env.REDIS_URL);
    project.provide("redisMissing", "");
    return () => undefined;
  }
  const port = await freePort();
  let server: ChildProcess;
  try {
    server = await startRedis(port);
  } catch (error) {
    // Every other test still runs; the queue tests fail with this reason (see test/helpers/redis.ts).
    project.provide("redisUrl", "");
    project.provide("redisMissing", `the queue tests need Redis: install redis-server (apt-get install redis-server) or set REDIS_URL (${(error as Error).message})`);
    return () => undefined;
  }
  project.provide("redisUrl", `redis://127.0.0.1:${port}`);
  project.provide("redisMissing", "");
  return () => void server.kill();
}

function startRedis(port: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const server = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: ["ignore", "pipe", "inherit"] });
    server.once("error", reject);
    server.once("exit", (code) => reject(new Error(`redis-server exited with ${code}`)));
    let output = "";
    server.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Ready to accept connections")) resolve(server);
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
