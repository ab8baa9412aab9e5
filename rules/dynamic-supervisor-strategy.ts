import { effectiveArguments, keywordValue } from "../src/engine/elixir.js";
import { ALL_KINDS, defineRule } from "../src/engine/rule.js";

export default defineRule({
  meta: {
    id: "dynamic-supervisor-strategy",
    severity: "error",
    summary: "A `DynamicSupervisor` with a strategy other than `:one_for_one`",
    guideSection: "DynamicSupervisor + Registry = Named Dynamic Processes",
    principle: "DynamicSupervisor only supports `:one_for_one` (dynamic children have no ordering).",
    premise: "The guide: DynamicSupervisor only supports `:one_for_one`. Evidence: a `DynamicSupervisor` started or initialised with any other strategy.",
    messages: {
      default:
        "`DynamicSupervisor` only supports `strategy: :one_for_one`: its children are started one by one at run time and have no order. Use `:one_for_one`; put children that depend on each other under a `Supervisor` you start as one child.",
    },
    explanation: `
A \`DynamicSupervisor\` starts children on demand, each independent of the others, so they have no
order to restart in: \`:one_for_one\` is the only strategy it supports, and
\`DynamicSupervisor.init/1\` raises for any other at start-up — usually in production, where the
supervision tree first boots with that configuration.

When several processes must live and die together, make them one unit: a \`Supervisor\` with
\`:one_for_all\` or \`:rest_for_one\` over them, started as a single dynamic child.

\`\`\`elixir
DynamicSupervisor.start_child(MyApp.RoomSupervisor, {MyApp.Room.Supervisor, room_id})
\`\`\``,
    appliesTo: ALL_KINDS,
    runsOn: "anywhere",
  },
  query: `
(call target: (dot left: (alias) @module right: (identifier) @fun)
  (#eq? @module "DynamicSupervisor")
  (#any-of? @fun "init" "start_link")) @report
`,
  refine({ report }) {
    const options = report ? effectiveArguments(report).find((arg) => arg.type === "keywords" || arg.type === "list") : undefined;
    const strategy = keywordValue(options, "strategy");
    if (strategy?.type !== "atom" || strategy.text === ":one_for_one") return null;
    return { fix: { node: strategy, text: ":one_for_one" } };
  },
  examples: {
    valid: [
      {
        code: `
defmodule MyApp.RoomSupervisor do
  use DynamicSupervisor
  def start_link(arg), do: DynamicSupervisor.start_link(__MODULE__, arg, name: __MODULE__)
  def init(_arg), do: DynamicSupervisor.init(strategy: :one_for_one, max_children: 10_000)
end`,
      },
    ],
    invalid: [
      {
        code: `
defmodule MyApp.RoomSupervisor do
  use DynamicSupervisor
  # ruleid: dynamic-supervisor-strategy
  def init(_arg), do: DynamicSupervisor.init(strategy: :one_for_all)
  # ruleid: dynamic-supervisor-strategy
  def start_flat, do: DynamicSupervisor.start_link(strategy: :rest_for_one, name: MyApp.Flat)
end`,
      },
    ],
  },
});
