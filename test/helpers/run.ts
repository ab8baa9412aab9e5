import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { packageRoot } from "../../src/package-root.js";

export interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a compiled entry point (`cli/main.js`, `demo/main.js`) the way npm's bin shim does. */
export function runBuilt(entry: string, args: readonly string[], cwd: string, env: Record<string, string> = {}): Ran {
  const result = spawnSync(process.execPath, [join(packageRoot(), "dist", "src", entry), ...args], { cwd, encoding: "utf8", env: { ...process.env, ...env } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
