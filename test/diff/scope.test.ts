import { describe, expect, it } from "vitest";
import { placeFindings, type FileDiff } from "../../src/diff/scope.js";
import type { Finding } from "../../src/model.js";

function finding(path: string, line: number): Finding {
  return { ruleId: "pg2-removed", severity: "error", path, line, column: 1, endLine: line, endColumn: 5, message: "m", confidence: "high", fingerprint: `${path}:${line}` };
}

const diffs = new Map<string, FileDiff>([
  ["lib/a.ex", { added: new Set([3]), commentable: new Set([2, 3, 4]) }],
  ["lib/huge.ex", null],
]);
const findings = [finding("lib/a.ex", 1), finding("lib/a.ex", 2), finding("lib/a.ex", 3), finding("lib/huge.ex", 10), finding("lib/untouched.ex", 1)];

const placed = (scope: "added" | "diff_context" | "file") => placeFindings(findings, diffs, scope).map((f) => `${f.path}:${f.line} ${f.placement}`);

describe("placeFindings", () => {
  it("keeps added lines for comments, a patchless file's findings for the check run, and drops the rest", () => {
    expect(placed("added")).toEqual(["lib/a.ex:3 comment", "lib/huge.ex:10 check-only"]);
  });

  it("widens to context lines with diff_context", () => {
    expect(placed("diff_context")).toEqual(["lib/a.ex:2 comment", "lib/a.ex:3 comment", "lib/huge.ex:10 check-only"]);
  });

  it("keeps a changed file's every finding with file scope, commenting only inside the diff", () => {
    expect(placed("file")).toEqual(["lib/a.ex:1 check-only", "lib/a.ex:2 comment", "lib/a.ex:3 comment", "lib/huge.ex:10 check-only"]);
  });
});
