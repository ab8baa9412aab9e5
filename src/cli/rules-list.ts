import { rules } from "../../rules/index.js";
import { reviewSettings } from "../config/settings.js";
import type { Provenance } from "../config/resolve.js";
import type { Policy } from "../config/schema.js";
import { didYouMean } from "../engine/did-you-mean.js";
import { optionValues, type Rule } from "../engine/rule.js";
import { renderRuleDoc } from "../docs/render-rule.js";
import { UsageError } from "./files.js";

/** `otp-review rules`: every rule, its default severity, what it flags and its options with their defaults. */
export function formatRules(): string {
  return rules
    .map((rule) => {
      const options = Object.entries(rule.options ?? {}).map(([name, option]) => `    --  ${name} (default ${JSON.stringify(option.default)}): ${option.description}`);
      return [`${rule.meta.id.padEnd(34)} ${rule.meta.severity.padEnd(8)} ${rule.meta.summary}`, ...options].join("\n");
    })
    .join("\n")
    .concat("\n");
}

/** `otp-review explain <id>`: the rule's documentation page, as Markdown. */
export function explainRule(id: string): string {
  const rule = rules.find((r) => r.meta.id === id);
  if (!rule)
    throw new UsageError(
      `no rule \`${id}\`.${didYouMean(
        id,
        rules.map((r) => r.meta.id),
      )} \`otp-review rules\` lists them.`,
    );
  return renderRuleDoc(rule);
}

/** Each rule's effective severity and options under a policy, and which file (or the defaults) set them. */
export function formatEffectiveRules(policy: Policy, provenance: Provenance): string {
  const settings = reviewSettings(rules, policy);
  const on = new Map<string, Rule>(settings.rules.map((rule) => [rule.meta.id, rule]));
  const source = provenance["rules"] ?? "the defaults";
  return rules
    .map((rule) => {
      const id = rule.meta.id;
      const effective = on.get(id);
      const setBy = policy.rules[id] === undefined ? "default" : source;
      if (!effective) return `${id}: off  # ${setBy}`;
      const values = optionValues(rule, settings.options.get(id));
      const options = Object.keys(values).length > 0 ? ` ${JSON.stringify(values)}` : "";
      return `${id}: ${effective.meta.severity}${options}  # ${setBy}`;
    })
    .join("\n");
}
