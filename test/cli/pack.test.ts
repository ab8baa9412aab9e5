import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../src/package-root.js";

const dir = mkdtempSync(join(tmpdir(), "otp-review-pack-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the npm package", () => {
  // Packs, installs from the registry's cache into an empty folder, and runs the
  // installed bin: minutes on a cold cache, so an explicit, generous timeout.
  it("installs from its tarball into an empty folder, and its otp-review bin checks a project", { timeout: 300_000 }, () => {
    const npm = (args: string[], cwd: string) => execFileSync("npm", [...args, "--no-audit", "--no-fund", "--loglevel=error"], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    // dist/ is already built (test setup); --ignore-scripts keeps `prepare` from rewriting it under tests running alongside.
    npm(["pack", "--ignore-scripts", "--pack-destination", dir], packageRoot());
    const tarball = readdirSync(dir).find((file) => file.endsWith(".tgz"))!;
    const project = join(dir, "project");
    cpSync(join(packageRoot(), "examples", "pull-request", "head"), project, { recursive: true });
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "project", private: true }));
    npm(["install", "--prefer-offline", join(dir, tarball)], project);

    const ran = spawnSync(join(project, "node_modules", ".bin", "otp-review"), ["check"], { cwd: project, encoding: "utf8" });

    expect(ran.status).toBe(1);
    expect(ran.stdout).toContain("lib/shop/cluster.ex:5:5: error pg2-removed");
    expect(ran.stderr).toMatch(/^otp-review: 5 Elixir files analysed in \d+\.\d s, 4 findings: 1 error, 3 warnings; 2 more below the confidence threshold/m);
  });
});
