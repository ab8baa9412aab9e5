import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rules } from "../../rules/index.js";
import { renderRuleDoc, withRulesTable } from "../../src/docs/render-rule.js";
import { SEVERITIES } from "../../src/model.js";
import { compileQuery } from "../../src/engine/parser.js";
import { packageRoot } from "../../src/package-root.js";

const root = packageRoot();
const ruleFiles = readdirSync(join(root, "rules"))
  .filter((f) => f.endsWith(".ts") && f !== "index.ts")
  .map((f) => f.replace(/\.ts$/, ""));

describe("the rule catalogue", () => {
  it("registers every rule file, each named by its rule's id, once", () => {
    const ids = rules.map((r) => r.meta.id);

    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...ruleFiles].sort());
  });

  it.each(rules.map((r) => [r.meta.id, r] as const))("%s has its metadata, a message, and examples both ways", (_, rule) => {
    expect(rule.meta.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(SEVERITIES).toContain(rule.meta.severity);
    for (const text of [rule.meta.summary, rule.meta.guideSection, rule.meta.principle, rule.meta.premise, rule.meta.messages["default"] ?? "", rule.meta.explanation])
      expect(text.trim()).not.toBe("");
    expect(rule.examples.valid.length).toBeGreaterThan(0);
    expect(rule.examples.invalid.length).toBeGreaterThan(0);
  });

  it.each(rules.map((r) => [r.meta.id, r] as const))("%s has a query that compiles on its own and captures @report", (_, rule) => {
    expect(() => compileQuery(rule.query)).not.toThrow();
    expect(rule.query).toContain("@report");
  });

  it.each(rules.filter((r) => r.options).map((r) => [r.meta.id, r] as const))("%s exercises every option in a valid and an invalid example", (_, rule) => {
    for (const option of Object.keys(rule.options!)) {
      expect(
        rule.examples.valid.some((e) => e.options && option in e.options),
        `valid example setting ${option}`,
      ).toBe(true);
      expect(
        rule.examples.invalid.some((e) => e.options && option in e.options),
        `invalid example setting ${option}`,
      ).toBe(true);
    }
  });

  it.each(rules.map((r) => [r.meta.id, r] as const))("%s has an up-to-date documentation page (npm run docs)", (id, rule) => {
    expect(readFileSync(join(root, "docs", "rules", `${id}.md`), "utf8")).toBe(renderRuleDoc(rule));
  });

  it("has an up-to-date rules table in the README, listing every rule (npm run docs)", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");

    expect(readme).toBe(withRulesTable(readme, rules));
    for (const rule of rules) expect(readme).toContain(`| [\`${rule.meta.id}\`](docs/rules/${rule.meta.id}.md) | ${rule.meta.severity} |`);
  });
});
