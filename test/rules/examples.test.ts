import { describe, expect, it } from "vitest";
import { rules } from "../../rules/index.js";
import { analyseSource } from "../../src/engine/analyse.js";
import { DEFAULT_EXAMPLE_PATH, exampleSource, expectedFindings } from "../../src/engine/examples.js";
import type { RuleExample } from "../../src/engine/rule.js";

/** `12 high`, `14 medium`: each flagged line once, with the confidence of its findings. */
function flaggedLines(ruleId: string, example: RuleExample): string[] {
  const options = new Map(example.options ? [[ruleId, example.options]] : []);
  const { findings, notes } = analyseSource(example.path ?? DEFAULT_EXAMPLE_PATH, exampleSource(example), rules, options);
  expect(notes.filter((n) => n.ruleId)).toEqual([]);
  return [...new Set(findings.filter((f) => f.ruleId === ruleId).map((f) => `${f.line} ${f.confidence}`))];
}

describe.each(rules.map((rule) => [rule.meta.id, rule] as const))("%s", (id, rule) => {
  it.each(rule.examples.valid.map((example, i) => [i, example] as const))("stays quiet on valid example %i", (_, example) => {
    expect(flaggedLines(id, example)).toEqual([]);
  });

  it.each(rule.examples.invalid.map((example, i) => [i, example] as const))("flags exactly the marked lines of invalid example %i, with the marked confidence", (_, example) => {
    const expected = expectedFindings(example, id).map(({ line, confidence }) => `${line} ${confidence}`);
    expect(expected.length).toBeGreaterThan(0);
    expect(flaggedLines(id, example)).toEqual(expected);
  });
});
