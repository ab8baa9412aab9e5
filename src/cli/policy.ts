import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { rules } from "../../rules/index.js";
import { parsePolicy } from "../config/parse.js";
import { DEFAULT_POLICY, type Policy } from "../config/schema.js";
import { UsageError } from "./files.js";

const POLICY_PATH = join(".github", "otp-review.yml");

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

/** The effective policy and where it came from; an invalid file is a usage error that quotes every problem. */
export async function loadLocalPolicy(cwd: string, explicit?: string): Promise<{ policy: Policy; source: string }> {
  const path = findPolicyFile(cwd, explicit);
  if (path === null) return { policy: DEFAULT_POLICY, source: "the defaults (no .github/otp-review.yml found)" };
  const source = relative(cwd, path) || path;
  const parsed = parsePolicy(await readFile(path, "utf8"), source, rules);
  if (!parsed.ok) throw new UsageError(["invalid policy:", ...parsed.errors.map((e) => `  ${e.file}:${e.line}: ${e.keyPath ? `${e.keyPath}: ` : ""}${e.message}`)].join("\n"));
  return { policy: parsed.policy, source };
}
