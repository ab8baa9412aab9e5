#!/usr/bin/env node
import { join } from "node:path";
import { rules } from "../../rules/index.js";
import { packageRoot } from "../package-root.js";
import { reviewPullRequest } from "../review/review-pull-request.js";
import { ProcessPoolAnalyser } from "../sandbox/process-pool-analyser.js";
import { fixturePlatform, readFixturePullRequest, type Posted } from "./fixture-platform.js";
import { renderPosted } from "./render.js";

/** Reviews the bundled example pull request through the app's own pipeline and prints what it would post. */
async function main(): Promise<void> {
  const directory = process.argv[2] ?? join(packageRoot(), "examples", "pull-request");
  const pr = await readFixturePullRequest(directory);
  const posted: Posted = {};
  const analyser = new ProcessPoolAnalyser();
  await reviewPullRequest(fixturePlatform(directory, posted), pr.head_sha, rules, analyser).finally(() => analyser.close());
  process.stdout.write(renderPosted(pr, posted));
}

main().catch((error: unknown) => {
  process.stderr.write(`otp-review demo: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
