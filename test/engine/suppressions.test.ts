import { describe, expect, it } from "vitest";
import { rules } from "../../rules/index.js";
import { analyseSource } from "../../src/engine/analyse.js";

const found = (source: string) => analyseSource("lib/a.ex", source, rules).findings.map((f) => `${f.ruleId}:${f.line}`);

describe("suppression comments", () => {
  it("disable-next-line silences the named rule on the next line only", () => {
    const source = "defmodule A do\n  # otp-review:disable-next-line pg2-removed -- OTP 23 nodes\n  def a(g), do: :pg2.join(g, self())\n  def b(g), do: :pg2.join(g, self())\nend\n";

    expect(found(source)).toEqual(["pg2-removed:4"]);
  });

  it("disable-line silences its own line, and only the rules it names", () => {
    const source = "defmodule A do\n  def a(g), do: Task.async(fn -> :pg2.join(g, self()) end) # otp-review:disable-line task-async-unsupervised\nend\n";

    expect(found(source)).toEqual(["pg2-removed:2"]);
  });

  it("disable-file with several ids silences them everywhere in the file", () => {
    const source =
      '# otp-review:disable-file pg2-removed, task-async-unsupervised\ndefmodule A do\n  def a(g), do: Task.async(fn -> :pg2.join(g, self()) end)\n  def b(conn, %{"x" => x}), do: {conn, String.to_atom(x)}\nend\n';

    expect(found(source)).toEqual(["dynamic-atom:4"]);
  });

  it("without ids silences every rule", () => {
    const source = "defmodule A do\n  # otp-review:disable-next-line\n  def a(g), do: Task.async(fn -> :pg2.join(g, self()) end)\nend\n";

    expect(found(source)).toEqual([]);
  });

  it("honours Credo's and Sobelow's waivers for the same hazard, and only for it", () => {
    const source = [
      "defmodule AWeb.PageController do",
      '  def a(conn, %{"k" => k}) do',
      "    # credo:disable-for-next-line Credo.Check.Warning.UnsafeToAtom",
      "    String.to_atom(k)",
      "  end",
      '  # sobelow_skip ["DOS.StringToAtom"]',
      '  def b(conn, %{"k" => k}), do: String.to_atom(k)',
      '  def c(conn, %{"k" => k}) do',
      "    # credo:disable-for-next-line Credo.Check.Readability.Specs",
      "    String.to_atom(k)",
      "  end",
      "end",
      "",
    ].join("\n");

    expect(found(source)).toEqual(["dynamic-atom:10"]);
  });

  it("reports a suppression of an unknown rule, suggesting the id that was meant", () => {
    const source = "defmodule A do\n  # otp-review:disable-next-line pg2-remove\n  def a(g), do: :pg2.join(g, self())\nend\n";

    const { findings } = analyseSource("lib/a.ex", source, rules);

    expect(findings.map((f) => `${f.ruleId}:${f.line}`)).toEqual(["suppression-unknown-rule:2", "pg2-removed:3"]);
    expect(findings[0]!.message).toContain("`pg2-remove` Did you mean `pg2-removed`?");
  });
});
