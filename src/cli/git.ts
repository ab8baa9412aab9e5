import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { patchesByPath } from "../diff/patch.js";
import { UsageError } from "./files.js";
import { gitTopLevel } from "./root.js";

const run = promisify(execFile);

/** Diffs can be large; git's output is buffered whole. */
const MAX_DIFF_BYTES = 256 * 1024 * 1024;

/**
 * The unified diff of each file changed between `ref` and the working tree, by path relative to
 * the repository's top level, as a pull request names them. Untracked files are not part of it.
 */
export async function patchesSince(ref: string, cwd: string): Promise<Map<string, string>> {
  if (ref.startsWith("-")) throw new UsageError(`--diff takes a git revision, not an option: ${ref}`);
  const top = await gitTopLevel(cwd);
  if (top === null) throw new UsageError(`--diff needs a git repository, and ${cwd} is not inside one`);
  try {
    const { stdout } = await run("git", ["diff", "--no-color", "--no-ext-diff", "--unified=3", ref, "--"], { cwd: top, maxBuffer: MAX_DIFF_BYTES });
    return patchesByPath(stdout);
  } catch (error) {
    // git's first line says what is wrong (an unknown revision…); the usage text after it does not.
    const stderr = (error as { stderr?: string }).stderr?.trim().split("\n")[0];
    throw new UsageError(`--diff ${ref}: ${stderr || (error instanceof Error ? error.message : String(error))}`);
  }
}
