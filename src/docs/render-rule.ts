import { exampleForDocs } from "../engine/examples.js";
import type { Rule, RuleExample } from "../engine/rule.js";
import { IRON_LAW } from "../report/iron-law.js";

/** The documentation page of a rule, rendered from its metadata and examples: the page a comment links to. */
export function renderRuleDoc(rule: Rule): string {
  const { meta, examples } = rule;
  const scope = meta.appliesTo.length === 1 && meta.appliesTo[0] === "production" ? "production code (`.ex` outside `test/`)" : "all Elixir files";
  return [
    `# \`${meta.id}\``,
    "",
    `**Severity:** ${meta.severity} · **Applies to:** ${scope} · **Guide:** ${meta.guideSection}`,
    "",
    meta.summary + ".",
    "",
    `> ${meta.principle}`,
    ">",
    `> The Iron Law: **${IRON_LAW}**`,
    "",
    "## Why",
    "",
    meta.explanation.trim(),
    "",
    "## Flagged",
    ...examples.invalid.flatMap(renderExample),
    "## Not flagged",
    ...examples.valid.flatMap(renderExample),
    "## A false positive?",
    "Fix the code where you can. Where the rule is wrong for your case, tell us in an issue: every",
    "false positive is a bug in the rule.",
    "",
  ].join("\n");
}

function renderExample(example: RuleExample): string[] {
  const where = example.path ? ` (in \`${example.path}\`)` : "";
  const note = example.note ? [`${example.note}${where}`, ""] : where ? [`In \`${example.path}\`:`, ""] : [];
  return ["", ...note, "```elixir", exampleForDocs(example), "```", ""];
}
