import { describe, expect, it } from "vitest";
import { rules } from "../../rules/index.js";
import { runAnalysisRequest } from "../../src/engine/file-analyser.js";
import { analyseSource, MAX_SOURCE_BYTES } from "../../src/engine/analyse.js";
import { defineRule, PRODUCTION } from "../../src/engine/rule.js";

const PG2 = "defmodule A do\n  def join(g), do: :pg2.join(g, self())\nend\n";

describe("analyseSource", () => {
  it("analyses the parts of broken Elixir that parse, and says the file is broken", () => {
    const source = "defmodule A do\n  def broken(x) do\n    case x do\n      1 ->\n  end\n\n  def join(g), do: :pg2.join(g, self())\nend\n";

    const { findings, notes } = analyseSource("lib/a.ex", source, rules);

    expect(findings.map((f) => `${f.ruleId}:${f.line}`)).toEqual(["pg2-removed:7"]);
    expect(notes).toEqual([{ path: "lib/a.ex", message: expect.stringMatching(/^has syntax errors \(line \d+\); analysed the parts that parse$/) }]);
  });

  it("catches a rule that throws, names it, and runs the other rules", () => {
    const exploding = defineRule({
      meta: { ...rules[0]!.meta, id: "exploding", appliesTo: PRODUCTION },
      query: "(call) @report",
      refine: () => {
        throw new Error("boom");
      },
      examples: { valid: [], invalid: [] },
    });

    const { findings, notes } = analyseSource("lib/a.ex", PG2, [exploding, ...rules]);

    expect(findings.map((f) => f.ruleId)).toEqual(["pg2-removed"]);
    expect(notes).toEqual([{ path: "lib/a.ex", ruleId: "exploding", message: expect.stringMatching(/^rule exploding failed on this file: boom \(at line \d+\)$/) }]);
  });

  it("skips binary content and files over the size limit, saying why", () => {
    const binary = analyseSource("lib/blob.ex", "\u0000\u0001ELF", rules);
    const huge = analyseSource("lib/generated.ex", `defmodule G do\n${"  def f, do: :pg2.join(:g, self())\n".repeat(MAX_SOURCE_BYTES / 20)}end\n`, rules);

    expect(binary).toEqual({ findings: [], notes: [{ path: "lib/blob.ex", message: "is binary, not Elixir source; skipped" }] });
    expect(huge.findings).toEqual([]);
    expect(huge.notes[0]!.message).toMatch(/KiB, over the 512 KiB analysis limit; skipped$/);
  });

  it("counts columns in characters, not UTF-8 bytes", () => {
    const { findings } = analyseSource("lib/a.ex", 'defmodule Ä do\n  def f(g), do: "ü" && :pg2.join(g, self())\nend\n', rules);

    expect(findings[0]).toMatchObject({ line: 2, column: 24, endLine: 2, endColumn: 44 });
  });

  it("gives a finding the same fingerprint when lines are added above it", () => {
    const before = analyseSource("lib/a.ex", PG2, rules).findings[0]!;
    const after = analyseSource("lib/a.ex", `# a comment\n\n${PG2}`, rules).findings[0]!;

    expect(after.line).toBe(before.line + 2);
    expect(after.fingerprint).toBe(before.fingerprint);
  });

  it("tells apart the same flagged code twice in a file, and in another file", () => {
    const twice = analyseSource("lib/a.ex", "defmodule A do\n  def a(g), do: :pg2.join(g, self())\n  def b(g), do: :pg2.join(g, self())\nend\n", rules).findings;
    const elsewhere = analyseSource("lib/b.ex", PG2, rules).findings[0]!;

    expect(new Set([...twice.map((f) => f.fingerprint), elsewhere.fingerprint]).size).toBe(3);
  });

  it("holds test files to the rules meant for them only", () => {
    const source = 'defmodule ATest do\n  test "x" do\n    Task.async(fn -> :pg2.join(:g, self()) end)\n  end\nend\n';

    const { findings } = analyseSource("test/a_test.exs", source, rules);

    expect(findings.map((f) => f.ruleId)).toEqual(["pg2-removed"]);
  });

  it("decides code kind per function: one Mix call makes that function tooling, not its module", () => {
    const source = ["defmodule AWeb.Admin do", "  def paths, do: Mix.Project.config()[:elixirc_paths]", '  def sort(conn, %{"sort" => sort}), do: {conn, String.to_atom(sort)}', "end", ""].join("\n");

    expect(analyseSource("lib/a.ex", source, rules).findings.map((f) => `${f.ruleId}:${f.line}`)).toEqual(["dynamic-atom:3"]);
    expect(analyseSource("lib/mocks/a_mock.ex", source, rules).findings).toEqual([]);
  });

  it("lets a rule that defers to a more specific one report when a policy turns that one off", () => {
    const source = 'defmodule A do\n  def start_link(id), do: GenServer.start_link(__MODULE__, id, name: String.to_atom("room_#{id}"))\nend\n';
    const ids = (rulesRun: typeof rules) => analyseSource("lib/a.ex", source, rulesRun).findings.map((f) => f.ruleId);

    expect(ids(rules)).toEqual(["dynamic-atom-process-name"]);
    expect(ids(rules.filter((r) => r.meta.id !== "dynamic-atom-process-name"))).toEqual(["dynamic-atom"]);
  });

  it("knows every rule of the registry: a suppression of a rule the policy turned off is not unknown", () => {
    const source = "defmodule A do\n  # otp-review:disable-next-line pg2-removed\n  def a(g), do: :pg2.join(g, self())\nend\n";
    const registry = rules.map((r) => r.meta.id);
    const request = {
      path: "lib/a.ex",
      source,
      kind: "production" as const,
      rules: rules.filter((r) => r.meta.id !== "pg2-removed").map((r) => ({ id: r.meta.id, severity: r.meta.severity })),
      options: {},
    };

    expect(registry).toContain("pg2-removed");
    expect(runAnalysisRequest(request, rules).findings).toEqual([]);
  });
});
