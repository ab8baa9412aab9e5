import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { rules } from "../../rules/index.js";
import { resolvePolicy, type Provenance } from "../config/resolve.js";
import { POLICY_PATH, type Policy } from "../config/schema.js";
import { UsageError } from "./files.js";

/** The policy file named by `--config`, or the nearest `.github/otp-review.yml` from `cwd` upwards. */
export function findPolicyFile(cwd: string, explicit?: string): string | null {
  if (explicit !== undefined) {
    const path = resolve(cwd, explicit);
    if (!existsSync(path)) throw new UsageError(`--config: no such file: ${explicit}`);
    return path;
  }
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, POLICY_PATH))) return join(dir, POLICY_PATH);
    if (dirname(dir) === dir) return null;
  }
}

/**
 * The effective policy, resolved as the app resolves a repository's own file (the organisation's
 * is out of reach here); an invalid file is a usage error that quotes every problem.
 */
export async function loadLocalPolicy(cwd: string, explicit?: string): Promise<{ policy: Policy; source: string; provenance: Provenance }> {
  const path = findPolicyFile(cwd, explicit);
  const repo = path === null ? undefined : { text: await readFile(path, "utf8"), source: relative(cwd, path) || path };
  const resolved = resolvePolicy(repo ? { repo } : {}, rules);
  if (!resolved.ok) throw new UsageError(["invalid policy:", ...resolved.errors.map((e) => `  ${e.file}:${e.line}: ${e.keyPath ? `${e.keyPath}: ` : ""}${e.message}`)].join("\n"));
  return { policy: resolved.policy, source: repo ? repo.source : "the defaults (no .github/otp-review.yml found)", provenance: resolved.provenance };
}
