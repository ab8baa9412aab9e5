import { spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REVIEWED_PULL_REQUEST_ACTIONS } from "../../src/app/handlers.js";
import { packageRoot } from "../../src/package-root.js";
import { freePort } from "../helpers/server-process.js";

const manifest = parse(readFileSync(join(packageRoot(), "app.yml"), "utf8"));

describe("app.yml", () => {
  it("asks for least privilege: checks and pull requests to write, contents and metadata to read", () => {
    expect(manifest.default_permissions).toEqual({ checks: "write", pull_requests: "write", contents: "read", metadata: "read" });
  });

  it("subscribes to the events the app handles, and no others", () => {
    expect(manifest.default_events).toEqual(["pull_request", "check_run", "check_suite", "pull_request_review_comment"]);
    expect(REVIEWED_PULL_REQUEST_ACTIONS).toEqual(["opened", "synchronize", "reopened", "ready_for_review", "labeled", "unlabeled"]);
  });
});

describe("the setup page (`npm start` without credentials)", () => {
  it("offers GitHub a manifest whose webhook URL is the proxy channel, not a placeholder", { timeout: 60_000 }, async () => {
    // A fresh directory, as a new clone: Probot reads app.yml from it and may write .env there.
    const dir = mkdtempSync(join(tmpdir(), "otp-review-setup-"));
    copyFileSync(join(packageRoot(), "app.yml"), join(dir, "app.yml"));
    const port = await freePort();
    const server = spawn(process.execPath, [join(packageRoot(), "dist", "src", "server.js")], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? "", PORT: String(port), HOST: "127.0.0.1", WEBHOOK_PROXY_URL: "https://smee.io/otp-review-setup-test" },
      stdio: "ignore",
    });
    try {
      let page = "";
      for (const deadline = Date.now() + 50_000; !page && Date.now() < deadline;) {
        page = await fetch(`http://127.0.0.1:${port}/probot`).then(
          (r) => r.text(),
          () => "",
        );
        if (!page) await new Promise((resolve) => setTimeout(resolve, 100));
      }

      expect(page).toContain('"hook_attributes":{"url":"https://smee.io/otp-review-setup-test"}');
      expect(page).not.toContain("example.com");
      expect(page).toContain('"checks":"write"');
    } finally {
      server.kill();
    }
  });
});
