import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";

/** The CLI and demo tests run the compiled program, as a user does: build it once first. */
export default function setup(): void {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { stdio: "inherit" });
}
