import { describe, expect, it } from "vitest";
import { rules } from "../../rules/index.js";
import { analyseSource } from "../../src/engine/analyse.js";
import { suggestionBlock } from "../../src/report/review-comments.js";

function suggestions(source: string): Array<[string, string | undefined]> {
  return analyseSource("lib/a.ex", source, rules).findings.map((f) => [f.ruleId, f.suggestion]);
}

describe("suggested changes", () => {
  it("offer the one-click fix where it is mechanical and certain", () => {
    const source = [
      "defmodule A do",
      "  def join(g), do: :pg2.join(g, self())",
      "  def decode(body), do: Jason.decode!(body, keys: :atoms)",
      "  def init(_), do: DynamicSupervisor.init(strategy: :one_for_all)",
      "  def table, do: :ets.new(:prices, [:named_table, :public])",
      "  def price(sku), do: :ets.lookup(:prices, sku)",
      "end",
      "",
    ].join("\n");

    expect(suggestions(source)).toEqual([
      ["pg2-removed", "  def join(g), do: :pg.join(g, self())"],
      ["dynamic-atom", "  def decode(body), do: Jason.decode!(body, keys: :atoms!)"],
      ["dynamic-supervisor-strategy", "  def init(_), do: DynamicSupervisor.init(strategy: :one_for_one)"],
      ["ets-read-concurrency", "  def table, do: :ets.new(:prices, [:named_table, :public, read_concurrency: true])"],
    ]);
  });

  it("offer none where the fix is not a plain replacement", () => {
    const source =
      "defmodule A do\n  def create(g), do: :pg2.create(g)\n  def table do\n    :ets.new(:prices, [\n      :named_table,\n      :public\n    ])\n  end\n  def price(sku), do: :ets.lookup(:prices, sku)\nend\n";

    expect(suggestions(source)).toEqual([
      ["pg2-removed", undefined],
      ["ets-read-concurrency", undefined],
    ]);
  });

  it("fence the suggestion longer than any backticks in the code", () => {
    expect(suggestionBlock("x = ~S(```)")).toBe("````suggestion\nx = ~S(```)\n````");
    expect(suggestionBlock("x = 1")).toBe("```suggestion\nx = 1\n```");
  });
});
