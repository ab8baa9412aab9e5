import { parentOf } from "../src/engine/parents.js";
import { assignments, effectiveArguments, keywordKey } from "../src/engine/elixir.js";
import type { SyntaxNode } from "../src/engine/parser.js";
import { defineRule, PRODUCTION } from "../src/engine/rule.js";

/** A module doc that talks about the tree's dependencies. */
const TREE_REASON = /restart|depend|rest_for_one|one_for_all|crash|order|must (be )?start/i;
/** The first child of a standard two-child tree: a registry or a supervisor the second child uses. */
const IDIOM_FIRST_CHILD = /Registry|Supervisor|Foreman|Pool/;

export default defineRule({
  meta: {
    id: "supervisor-strategy-undocumented",
    severity: "info",
    summary: "`:one_for_all` or `:rest_for_one` without a comment saying how the children depend on each other",
    guideSection: "Supervision Strategies Encode Dependencies",
    principle: "Think about failure cascades BEFORE coding. No supervision strategy reasoning is a red flag.",
    premise:
      "The guide: supervision strategies encode dependencies; no supervision strategy reasoning is a red flag. Evidence: `:one_for_all` or `:rest_for_one` with no reason written beside it (a comment right above or on its line, or a module doc about the tree's restarts and dependencies), over children that are not the standard idiom (registries and supervisors first, then the one process that uses them). Generated boilerplate (\"See … for other strategies\") is not a reason. High confidence when the children are written out in full in the same function; medium when they are listed elsewhere or their options come from variables, which may carry the wiring that states the dependency (a later child given an earlier one's name).",
    messages: {
      default: "This strategy restarts healthy children when one fails: it encodes a dependency between them. Say which in a comment beside it, so the next change keeps the order and the reason.",
    },
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

A comment on the same line or right above it, or a module doc that explains the restarts, keeps the rule quiet.`,
    appliesTo: PRODUCTION,
    runsOn: "anywhere",
  },
  query: `
(call target: (dot left: (alias) @module right: (identifier) @fun)
  (#eq? @module "Supervisor")
  (#any-of? @fun "init" "start_link")) @report
`,
  refine({ report }, file) {
    const strategy = strategyPair(report);
    const value = strategy?.childForFieldName("value")?.text;
    if (!strategy || (value !== ":one_for_all" && value !== ":rest_for_one")) return null;
    const { model, comments } = file.semantics;
    if (comments.isExplained(strategy) || comments.isExplained(report) || TREE_REASON.test(model.moduleAt(report)?.moduledoc ?? "")) return null;
    const children = childList(report, model.clauseAt(report)?.body);
    // Registries and supervisors first, then the one process that uses them: the order says it all.
    if (children && children.length >= 2 && children.slice(0, -1).every((child) => IDIOM_FIRST_CHILD.test(child.text))) return null;
    // Options passed in variables may carry the wiring (a later child given an earlier one's name),
    // which says the dependency in code: only children written out in full show that nothing does.
    return { confidence: children && children.length >= 2 && !children.some(passesVariables) ? "high" : "medium" };
  },
  examples: {
    valid: [
      {
        note: 'The standard two-child idiom (a registry, or a supervisor, then the process that uses it), a module doc that explains the restarts, and options built with `++`: the generated "See … for other strategies" comment is not a reason, but the moduledoc is.',
        code: `
defmodule MyApp.Unique do
  def start_link(_) do
    Supervisor.start_link([{Registry, keys: :unique, name: MyApp.Reg}, {DynamicSupervisor, name: MyApp.Dyn}], strategy: :one_for_all)
  end
end

defmodule MyApp.Pipeline.Supervisor do
  @moduledoc """
  The producer, the processors and the acker share one buffer: if one crashes, the buffer is
  gone, so all of them restart together.
  """
  use Supervisor

  def init(opts) do
    children = [MyApp.Producer, MyApp.Processors, MyApp.Acker]
    # See https://hexdocs.pm/elixir/Supervisor.html for other strategies and supported options
    Supervisor.init(children, [strategy: :one_for_all] ++ opts)
  end
end`,
      },
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
        note: "Strategy options built with `++`, with only the generated boilerplate comment above.",
        code: `
defmodule MyApp.Pipeline.Supervisor do
  use Supervisor

  def init(opts) do
    children = [MyApp.Producer, MyApp.Processors, MyApp.Acker]
    # See https://hexdocs.pm/elixir/Supervisor.html
    # for other strategies and supported options
    # ruleid: supervisor-strategy-undocumented
    Supervisor.init(children, [strategy: :rest_for_one] ++ opts)
  end
end`,
      },
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
      {
        note: "Children whose options come from variables may be wired to each other there, which would state the dependency in code (medium confidence).",
        code: `
defmodule MyApp.Scheduler.Supervisor do
  use Supervisor

  def init(opts) do
    clock_opts = Keyword.take(opts, [:interval])
    executor_opts = Keyword.put(opts, :clock, MyApp.Clock)
    # ruleid: supervisor-strategy-undocumented (medium)
    Supervisor.init([{MyApp.Clock, clock_opts}, {MyApp.Executor, executor_opts}], strategy: :rest_for_one)
  end
end`,
      },
    ],
  },
});

/** `strategy: …` in the options, however they are built: a literal, `++`, `Keyword.merge`. */
function strategyPair(call: SyntaxNode): SyntaxNode | undefined {
  return effectiveArguments(call)
    .slice(1)
    .flatMap((option) => (option.type === "pair" ? [option] : option.descendantsOfType("pair")))
    .find((pair) => keywordKey(pair) === "strategy");
}

/** The children the call supervises, when the list is written in the same function. */
function childList(call: SyntaxNode, body: SyntaxNode | undefined): SyntaxNode[] | undefined {
  const first = effectiveArguments(call)[0];
  if (first?.type === "list") return first.namedChildren;
  if (first?.type !== "identifier" || !body) return undefined;
  const bound = assignments(body).find(([left, right]) => left.text === first.text && right.type === "list");
  return bound?.[1].namedChildren;
}

/** `{Quantum.Executor, executor_opts}`: the child's arguments come from a variable. */
function passesVariables(child: SyntaxNode): boolean {
  return child
    .descendantsOfType("identifier")
    .some((id) => !(parentOf(id)?.type === "call" && parentOf(id)!.childForFieldName("target")?.id === id.id) && !["__MODULE__", "__ENV__"].includes(id.text));
}
