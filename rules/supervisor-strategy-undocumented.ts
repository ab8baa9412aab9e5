import { effectiveArguments, keywordKey } from "../src/engine/elixir.js";
import { compileQuery, type SyntaxNode } from "../src/engine/parser.js";
import { ALL_FILES, defineRule } from "../src/engine/rule.js";
import { COMMENT_QUERY } from "../src/engine/suppressions.js";

/** Lines above the strategy where a comment still reads as its explanation. */
const LINES_ABOVE = 3;

export default defineRule({
  meta: {
    id: "supervisor-strategy-undocumented",
    severity: "info",
    summary: "`:one_for_all` or `:rest_for_one` without a comment saying how the children depend on each other",
    guideSection: "Supervision Strategies Encode Dependencies",
    principle: "Think about failure cascades BEFORE coding. No supervision strategy reasoning is a red flag.",
    message: "This strategy restarts healthy children when one fails: it encodes a dependency between them. Say which in a comment beside it, so the next change keeps the order and the reason.",
    explanation: `
A supervision strategy is a statement about dependencies:

| strategy | says |
|---|---|
| \`:one_for_one\` | the children are independent |
| \`:one_for_all\` | they are interdependent: when one dies, all restart |
| \`:rest_for_one\` | each depends on the ones started before it |

\`:one_for_all\` and \`:rest_for_one\` restart children that did nothing wrong, and depend on the
order of the children list. Both are right when the dependency is real — and both are easily
broken by someone who reorders the list or adds a child without knowing why. The guide's red flag
is *no supervision strategy reasoning*: write the reason down where the strategy is chosen.

\`\`\`elixir
# The registry must outlive the workers that register in it, and a restarted
# registry has lost every registration: the workers must restart after it.
Supervisor.init(children, strategy: :rest_for_one)
\`\`\`

A comment on the same line or in the ${LINES_ABOVE} lines above keeps the rule quiet.`,
    appliesTo: ALL_FILES,
  },
  query: `
(call target: (dot left: (alias) @module right: (identifier) @fun)
  (#eq? @module "Supervisor")
  (#any-of? @fun "init" "start_link")) @report
`,
  refine({ report }, file) {
    const strategy = report ? strategyPair(report) : undefined;
    const value = strategy?.childForFieldName("value")?.text;
    if (!report || !strategy || (value !== ":one_for_all" && value !== ":rest_for_one")) return null;
    const last = strategy.startPosition.row;
    const first = Math.min(report.startPosition.row, last) - LINES_ABOVE;
    return !hasExplanation(file.root, first, last);
  },
  examples: {
    valid: [
      {
        note: "The dependency, written down; and independent children.",
        code: `
defmodule MyApp.Supervisor do
  use Supervisor
  def init(_) do
    children = [MyApp.Registry, MyApp.Workers]
    # Workers register in MyApp.Registry: a restarted registry has lost them, so they restart after it.
    Supervisor.init(children, strategy: :rest_for_one)
  end
end

defmodule MyApp.Other do
  def start_link(children), do: Supervisor.start_link(children, strategy: :one_for_one)
  def pair(children), do: Supervisor.start_link(children, strategy: :one_for_all) # the socket and its parser share state
end`,
      },
    ],
    invalid: [
      {
        code: `
defmodule MyApp.Supervisor do
  use Supervisor

  def init(_) do
    children = [MyApp.Registry, MyApp.Workers, MyApp.Cache]
    # ruleid: supervisor-strategy-undocumented
    Supervisor.init(children, strategy: :one_for_all)
  end
end`,
      },
    ],
  },
});

function strategyPair(call: SyntaxNode): SyntaxNode | undefined {
  const options = effectiveArguments(call).find((arg) => arg.type === "keywords" || arg.type === "list");
  const pairs = options?.type === "list" ? options.namedChildren.flatMap((c) => (c.type === "keywords" ? c.namedChildren : [])) : (options?.namedChildren ?? []);
  return pairs.find((pair) => pair.type === "pair" && keywordKey(pair) === "strategy");
}

/** A comment other than an otp-review directive on rows `first`..`last` (0-based). */
function hasExplanation(root: SyntaxNode, first: number, last: number): boolean {
  return compileQuery(COMMENT_QUERY)
    .captures(root, { startPosition: { row: Math.max(0, first), column: 0 }, endPosition: { row: last + 1, column: 0 } })
    .some(({ node }) => node.startPosition.row >= first && node.startPosition.row <= last && !node.text.includes("otp-review:"));
}
