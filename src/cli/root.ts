import { execFile } from "node:child_process";
import { basename, dirname } from "node:path";
import { promisify } from "node:util";
import { findPolicyFile } from "./policy.js";

const run = promisify(execFile);

/**
 * The repository root the app sees: policy globs (`paths`, `test_paths`) and reported paths are
 * relative to it, so every directory of a checkout gives the app's verdict. The directory holding
 * the nearest `.github/otp-review.yml`; without one, the git top level; else the working directory.
 */
export async function repositoryRoot(cwd: string, config?: string): Promise<string> {
  const policy = findPolicyFile(cwd, config);
  if (policy !== null && basename(dirname(policy)) === ".github") return dirname(dirname(policy));
  return (await gitTopLevel(cwd)) ?? cwd;
}

/** The top level of the git work tree holding `cwd`, or null outside one (or without git). */
export async function gitTopLevel(cwd: string): Promise<string | null> {
  try {
    const { stdout } = await run("git", ["rev-parse", "--show-toplevel"], { cwd });
    return stdout.trim() || null;
  } catch {
    // Not a repository, or no git at all: both mean "no git root here".
    return null;
  }
}
