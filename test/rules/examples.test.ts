import { describe, expect, it } from "vitest";
import { rules } from "../../rules/index.js";
import { analyseSource } from "../../src/engine/analyse.js";
import { DEFAULT_EXAMPLE_PATH, exampleSource, expectedLines } from "../../src/engine/examples.js";
import type { RuleExample } from "../../src/engine/rule.js";

function flaggedLines(ruleId: string, example: RuleExample): number[] {
  const options = new Map(example.options ? [[ruleId, example.options]] : []);
  const { findings, notes } = analyseSource(example.path ?? DEFAULT_EXAMPLE_PATH, exampleSource(example), rules, options);
  expect(notes.filter((n) => n.ruleId)).toEqual([]);
  return [...new Set(findings.filter((f) => f.ruleId === ruleId).map((f) => f.line))];
}

describe.each(rules.map((rule) => [rule.meta.id, rule] as const))("%s", (id, rule) => {
  it.each(rule.examples.valid.map((example, i) => [i, example] as const))("stays quiet on valid example %i", (_, example) => {
    expect(flaggedLines(id, example)).toEqual([]);
  });

  it.each(rule.examples.invalid.map((example, i) => [i, example] as const))("flags exactly the marked lines of invalid example %i", (_, example) => {
    const expected = expectedLines(example, id);
    expect(expected.length).toBeGreaterThan(0);
    expect(flaggedLines(id, example)).toEqual(expected);
  });
});
