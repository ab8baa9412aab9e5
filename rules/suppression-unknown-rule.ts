import { didYouMean } from "../src/engine/did-you-mean.js";
import { ALL_KINDS, defineRule } from "../src/engine/rule.js";
import { parseSuppression } from "../src/engine/suppressions.js";

export default defineRule({
  meta: {
    id: "suppression-unknown-rule",
    severity: "info",
    summary: "A suppression comment that names a rule otp-review does not have",
    guideSection: "Red Flags - STOP and Reconsider",
    principle: "Any of these? Re-read The Iron Law and use the Abstraction Decision Tree.",
    premise: "Evidence: an `otp-review:disable\u2026` comment names a rule id the registry does not have, so it suppresses nothing.",
    messages: {
      default: "This suppression names a rule that does not exist, so it suppresses nothing.",
      unknown: "This `otp-review:{kind}` names {what}, so it suppresses nothing for {named}",
    },
    explanation: `
A \`# otp-review:disable-next-line\`, \`disable-line\` or \`disable-file\` comment names the rules it
silences. A typo in a rule id silences nothing — and the finding it was meant for still appears,
or worse, a later finding of the intended rule goes unnoticed by the person who thought it was
handled.

\`\`\`elixir
# otp-review:disable-next-line pg2-removed -- OTP 23 nodes still in the cluster
def join(group), do: :pg2.join(group, self())
\`\`\`
 Every id in a suppression must be a rule's id (see the rules table in the README).
No ids at all means every rule.`,
    appliesTo: ALL_KINDS,
    runsOn: "anywhere",
  },
  query: `((comment) @report (#match? @report "otp-review:disable"))`,
  refine({ report }, file) {
    const suppression = report ? parseSuppression(report) : null;
    const unknown = suppression?.ruleIds.filter((id) => !file.knownRuleIds.has(id)) ?? [];
    if (unknown.length === 0) return null;
    const named = unknown.map((id) => `\`${id}\`${didYouMean(id, file.knownRuleIds)}`).join("; ");
    return { message: "unknown", values: { kind: suppression!.kind, what: unknown.length === 1 ? "a rule that does not exist" : "rules that do not exist", named } };
  },
  examples: {
    valid: [
      {
        note: "Known rule ids, or none (every rule).",
        code: `
defmodule MyApp.Legacy do
  # otp-review:disable-next-line pg2-removed -- OTP 23 nodes still in the cluster
  def join(group), do: :pg2.join(group, self())
  def members(group), do: :pg2.get_members(group) # otp-review:disable-line
end`,
      },
    ],
    invalid: [
      {
        code: `
defmodule MyApp.Legacy do
  # ruleid: suppression-unknown-rule
  # otp-review:disable-next-line pg2-remove
  def join(group), do: :pg2.join(group, self())
end`,
      },
    ],
  },
});
