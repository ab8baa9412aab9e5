import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { packageRoot } from "../../src/package-root.js";
import { runBuilt } from "../helpers/run.js";

/** OASIS's SARIF 2.1.0 JSON Schema, as Microsoft's SARIF multitool ships it (MIT; test/fixtures/sarif-2.1.0.schema.json). */
const schema = JSON.parse(readFileSync(join(packageRoot(), "test", "fixtures", "sarif-2.1.0.schema.json"), "utf8"));
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
const validate = ajv.compile(schema);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "otp-review-sarif-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(path: string, content: string): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), content);
}

const CLUSTER = "defmodule Shop.Cluster do\n  def join(group), do: :pg2.join(group, self())\nend\n";
const DASHBOARD = "defmodule Shop.Dashboard do\n  def load(c), do: (Task.async(fn -> c end); :ok)\nend\n";

// Runs the built CLI in a process: no default 5 s timeout on a busy machine.
describe("otp-review check --format sarif", { timeout: 60_000 }, () => {
  it("writes a SARIF 2.1.0 log its schema accepts, with rule metadata, levels and help", () => {
    write(".github/otp-review.yml", "");
    write("lib/shop/cluster.ex", CLUSTER);
    write("lib/shop/dashboard.ex", DASHBOARD);

    const ran = runBuilt("cli/main.js", ["check", "--format", "sarif"], join(dir, "lib"), { OTP_REVIEW_DOCS_URL: "https://git.example.com/acme/otp-review/blob/main/docs/rules" });
    const log = JSON.parse(ran.stdout);

    expect(ran.status).toBe(1);
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    const [run] = log.runs;
    expect(run.results.map((r: any) => [r.ruleId, r.level, r.locations[0].physicalLocation.artifactLocation.uri, r.locations[0].physicalLocation.region.startLine])).toEqual([
      ["pg2-removed", "error", "lib/shop/cluster.ex", 2],
      ["task-async-unsupervised", "warning", "lib/shop/dashboard.ex", 2],
    ]);
    const rule = run.tool.driver.rules[run.results[0].ruleIndex];
    expect(rule).toMatchObject({ id: "pg2-removed", helpUri: "https://git.example.com/acme/otp-review/blob/main/docs/rules/pg2-removed.md", defaultConfiguration: { level: "error" } });
    expect(rule.help.markdown).toContain("```elixir");
  });

  it("keeps a finding's partial fingerprint when lines move, so code scanning tracks it across commits", () => {
    write(".github/otp-review.yml", "");
    write("lib/shop/cluster.ex", CLUSTER);
    const before = JSON.parse(runBuilt("cli/main.js", ["check", "--format", "sarif"], dir).stdout).runs[0].results[0];
    write("lib/shop/cluster.ex", `# a comment added above\n\n${CLUSTER}`);
    const after = JSON.parse(runBuilt("cli/main.js", ["check", "--format", "sarif"], dir).stdout).runs[0].results[0];

    expect(after.locations[0].physicalLocation.region.startLine).toBe(before.locations[0].physicalLocation.region.startLine + 2);
    expect(after.partialFingerprints).toEqual(before.partialFingerprints);
    expect(Object.values(before.partialFingerprints)[0]).toMatch(/^[0-9a-f]{16}$/);
  });
});
