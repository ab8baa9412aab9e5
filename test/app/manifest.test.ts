import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REVIEWED_PULL_REQUEST_ACTIONS } from "../../src/app/handlers.js";
import { packageRoot } from "../../src/package-root.js";

const manifest = parse(readFileSync(join(packageRoot(), "app.yml"), "utf8"));

describe("app.yml", () => {
  it("asks for least privilege: checks and pull requests to write, contents and metadata to read", () => {
    expect(manifest.default_permissions).toEqual({ checks: "write", pull_requests: "write", contents: "read", metadata: "read" });
  });

  it("subscribes to the events the app handles, and no others", () => {
    expect(manifest.default_events).toEqual(["pull_request", "check_run", "check_suite"]);
    expect(REVIEWED_PULL_REQUEST_ACTIONS).toEqual(["opened", "synchronize", "reopened", "ready_for_review"]);
  });
});
