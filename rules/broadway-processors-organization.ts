import { effectiveArguments, keywordKey, keywordValue } from "../src/engine/elixir.js";
import type { SyntaxNode } from "../src/engine/parser.js";
import { ALL_KINDS, defineRule } from "../src/engine/rule.js";

export default defineRule({
  meta: {
    id: "broadway-processors-organization",
    severity: "warning",
    summary: "A Broadway pipeline with several processor groups: processors are for run-time concurrency, not code organisation",
    guideSection: "Broadway Gotchas",
    principle: "Processors are for runtime, not code organization. Dispatch to modules in `handle_message`, don't add processors for different message types.",
    premise:
      "The guide: processors are for runtime, not code organization \u2014 dispatch to modules in `handle_message`. Evidence: a `Broadway.start_link` whose `processors:` list has more than one key.",
    messages: {
      default:
        "Several processor keys do not route messages by kind: Broadway supports one processor group, and its concurrency is about throughput. Keep one `processors: [default: …]` and dispatch on the message in `handle_message/3`.",
      groups: "{count} processor groups: processors set run-time concurrency, they do not route messages. Keep one (`default: [concurrency: …]`) and dispatch on the message in `handle_message/3`.",
    },
    explanation: `
\`processors:\` configures how many processes run \`handle_message/3\` concurrently. It is not a
routing table: every message goes through the same \`handle_message/3\` whatever the key, and
Broadway accepts a single processor group (\`processors: [default: [concurrency: 10]]\`). Adding keys
per message type (\`orders:\`, \`refunds:\`) to organise code either fails at start-up or does not do
what it says.

Dispatch in code instead, and use batchers when different kinds of messages need different
batching:

\`\`\`elixir
def handle_message(_processor, %Message{data: %{"type" => "order"}} = message, _context),
  do: message |> Orders.handle() |> Message.put_batcher(:orders)

def handle_message(_processor, message, _context), do: Refunds.handle(message)
\`\`\``,
    appliesTo: ALL_KINDS,
    runsOn: "anywhere",
  },
  query: `
(call target: (dot left: (alias) @module right: (identifier) @fun)
  (#eq? @module "Broadway")
  (#eq? @fun "start_link")) @report
`,
  refine({ report }) {
    const options = report ? effectiveArguments(report).find((arg) => arg.type === "keywords") : undefined;
    const processors = keywordValue(options, "processors");
    if (!processors || processors.type !== "list" || keyCount(processors) < 2) return null;
    const pair = options!.namedChildren.find((p) => keywordKey(p) === "processors");
    return { node: pair ?? processors, message: "groups", values: { count: String(keyCount(processors)) } };
  },
  examples: {
    valid: [
      {
        code: `
defmodule MyApp.Pipeline do
  use Broadway
  def start_link(_opts) do
    Broadway.start_link(__MODULE__,
      name: __MODULE__,
      producer: [module: {BroadwaySQS.Producer, queue_url: "q"}],
      processors: [default: [concurrency: 50]],
      batchers: [orders: [batch_size: 100], refunds: [batch_size: 10]]
    )
  end
end`,
      },
    ],
    invalid: [
      {
        code: `
defmodule MyApp.Pipeline do
  use Broadway
  def start_link(_opts) do
    Broadway.start_link(__MODULE__,
      name: __MODULE__,
      producer: [module: {BroadwaySQS.Producer, queue_url: "q"}],
      # ruleid: broadway-processors-organization
      processors: [orders: [concurrency: 10], refunds: [concurrency: 2]]
    )
  end
end`,
      },
    ],
  },
});

/** The keys of a keyword list literal. */
function keyCount(list: SyntaxNode): number {
  return list.namedChildren.filter((c) => c.type === "keywords").reduce((n, k) => n + k.namedChildren.length, 0);
}
