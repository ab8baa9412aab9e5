import { describe, expect, it } from "vitest";
import { rules } from "../../rules/index.js";
import { ruleInfo } from "../../src/engine/rule.js";
import type { PlacedFinding } from "../../src/model.js";
import { truncateBytes } from "../../src/report/bytes.js";
import { checkRunOutput, MAX_OUTPUT_BYTES } from "../../src/report/check-run.js";

/** As where a team hosts the rule pages on its GitHub Enterprise (`OTP_REVIEW_DOCS_URL`). */
const DOCS = "https://git.example.com/acme/otp-review/blob/main/docs/rules";
const info = new Map(rules.map((r) => [r.meta.id, ruleInfo(r.meta, DOCS)]));

function finding(ruleId: string, severity: PlacedFinding["severity"], line: number): PlacedFinding {
  return { ruleId, severity, path: "lib/a.ex", line, column: 3, endLine: line, endColumn: 9, message: "m", confidence: "high", fingerprint: String(line), placement: "comment" };
}

describe("checkRunOutput", () => {
  it("names rules without a link when no docs URL is set, rather than link to a page that may not exist", () => {
    const bare = new Map(rules.map((r) => [r.meta.id, ruleInfo(r.meta)]));
    const output = checkRunOutput(
      { sha: "a".repeat(40), elixirFiles: 1, findings: [finding("pg2-removed", "error", 1)], notes: [], failing: true, policySource: "the defaults", policyText: "fail_on: error" },
      bare,
    );

    expect(output.summary).toContain("| `pg2-removed` | error | 1 |");
    expect(output.summary).not.toMatch(/\]\(http/);
  });

  it("fails on an error, counts per rule and severity, and maps severities to annotation levels", () => {
    const output = checkRunOutput(
      {
        sha: "a".repeat(40),
        elixirFiles: 2,
        findings: [finding("pg2-removed", "error", 1), finding("dynamic-atom", "warning", 2), finding("dynamic-atom", "warning", 3)],
        notes: [],
        failing: true,
        policySource: "the defaults",
        policyText: "fail_on: error",
      },
      info,
    );

    expect(output.conclusion).toBe("failure");
    expect(output.title).toBe("3 findings: 1 error, 2 warnings");
    expect(output.summary).toContain(`| [\`pg2-removed\`](${DOCS}/pg2-removed.md) | error | 1 |`);
    expect(output.summary).toContain(`| [\`dynamic-atom\`](${DOCS}/dynamic-atom.md) | warning | 2 |`);
    expect(output.annotations.map((a) => a.annotation_level)).toEqual(["failure", "warning", "warning"]);
    expect(output.annotations[0]).toEqual({ path: "lib/a.ex", start_line: 1, end_line: 1, start_column: 3, end_column: 8, annotation_level: "failure", title: "pg2-removed", message: "m" });
  });

  it("passes when no finding reaches fail_on", () => {
    const output = checkRunOutput(
      { sha: "a".repeat(40), elixirFiles: 1, findings: [finding("dynamic-atom", "warning", 2)], notes: [], failing: false, policySource: "the defaults", policyText: "fail_on: error" },
      info,
    );

    expect(output.conclusion).toBe("success");
  });

  it("keeps the summary within GitHub's 65,535 bytes, saying what was left out", () => {
    const notes = Array.from({ length: 3000 }, (_, i) => ({ path: `lib/generated/ünïcödé_${i}.ex`, message: "is binary, not Elixir source; skipped" }));

    const output = checkRunOutput({ sha: "a".repeat(40), elixirFiles: 3000, findings: [], notes, failing: false, policySource: "the defaults", policyText: "fail_on: error" }, info);

    expect(Buffer.byteLength(output.summary)).toBeLessThanOrEqual(MAX_OUTPUT_BYTES);
    expect(output.summary).toMatch(/… \d+ bytes of this summary were left out \(GitHub's limit is 65535\)\.$/);
  });
});

describe("truncateBytes", () => {
  it("never cuts a multi-byte character in half", () => {
    const cut = truncateBytes("ééééé", 8, () => "");

    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(8);
    expect(cut).not.toContain("\uFFFD");
    expect(cut.startsWith("éé")).toBe(true);
  });

  it("leaves text within the limit untouched", () => {
    expect(truncateBytes("short", 10, () => "cut")).toBe("short");
  });
});
