import { rules } from "../../rules/index.js";
import { inProcessAnalyser } from "../../src/engine/file-analyser.js";
import { runCli } from "../../src/cli/program.js";
import type { Ran } from "./run.js";

/**
 * The CLI run in the test's own process: same program, arguments and output as the binary, with
 * files analysed in-process (one compiled query for the whole test file) unless `pool` asks for
 * the app's process pool. Behaviour tests use this; a few tests run the built binary itself.
 */
export async function runInProcess(args: readonly string[], cwd: string, options: { env?: Record<string, string>; pool?: boolean } = {}): Promise<Ran> {
  let stdout = "";
  let stderr = "";
  const status = await runCli(args, {
    cwd,
    env: { ...process.env, ...options.env },
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    interactive: false,
    ...(options.pool ? {} : { analyser: () => inProcessAnalyser(rules) }),
  });
  return { status, stdout, stderr };
}
