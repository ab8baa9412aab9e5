import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/package-root.js";
import { runBuilt } from "../helpers/run.js";

// Runs the built demo in its own process: no default 5 s timeout on a busy machine.
describe("npm run demo", { timeout: 60_000 }, () => {
  it("reviews the bundled pull request through the app's pipeline and prints what it would post", () => {
    const ran = runBuilt("demo/main.js", [], packageRoot());

    expect(ran.status).toBe(0);
    expect(ran.stdout).toContain("POST /repos/acme/shop/pulls/42/reviews  (event COMMENT, commit_id 8d3f5c1)");
    expect(ran.stdout.match(/^lib\/\S+:\d+ \(side RIGHT\)$/gm)).toEqual([
      "lib/shop/cart_server.ex:13 (side RIGHT)",
      "lib/shop/cluster.ex:5 (side RIGHT)",
      "lib/shop/dashboard.ex:11 (side RIGHT)",
      "lib/shop/pricing.ex:3 (side RIGHT)",
    ]);
    expect(ran.stdout).toContain('Check run "OTP Review": completed · conclusion failure');
    expect(ran.stdout).toContain("GENSERVER IS A BOTTLENECK BY DESIGN");
  });
});
