import { parentOf } from "../src/engine/parents.js";
import { definitionName, definitionParameters, enclosingModule, keywordKey, moduleDefinitions } from "../src/engine/elixir.js";
import { USE_GENSERVER_QUERY } from "../src/engine/otp.js";
import type { SyntaxNode } from "../src/engine/parser.js";
import { defineRule, PRODUCTION } from "../src/engine/rule.js";

const CALLBACKS = new Set(["handle_call", "handle_cast", "handle_info", "handle_continue"]);

/** How many distinct states of one field make a state machine. */
const STATES_THRESHOLD = 3;

export default defineRule({
  meta: {
    id: "genserver-explicit-states",
    severity: "info",
    summary: "A GenServer whose callbacks switch on 3 or more values of one state field: an implicit state machine",
    guideSection: "Abstraction Decision Tree",
    principle: "Request/response? Explicit states? Yes → GenStateMachine.",
    premise:
      "The guide's decision tree: explicit states \u2192 GenStateMachine. Evidence: a GenServer's callbacks pattern-match one state field against several atom values, a state machine written by hand.",
    messages: {
      default:
        "These callbacks switch on several values of one state field: a state machine written by hand. `:gen_statem` (or `GenStateMachine`) makes the states and their transitions explicit, with state timeouts and postponed events built in.",
      states: "The callbacks switch on {count} values of `{field}` ({values}): a state machine written by hand. `:gen_statem` (or `GenStateMachine`) makes the states and transitions explicit.",
    },
    explanation: `
When a GenServer's callback heads match on \`%{status: :connecting}\`, \`%{status: :connected}\`,
\`%{status: :closing}\`… it is a state machine whose states are spread over clause heads and whose
transitions are hidden in map updates. The guide's decision tree sends processes with explicit
states to \`GenStateMachine\` / \`:gen_statem\`, which gives:

- one function per state (or per state and event), so the valid events of each state are obvious;
- state timeouts that cancel themselves on a state change;
- \`:postpone\` for events that arrive in the wrong state, instead of hand-written queues.

\`\`\`elixir
use GenStateMachine, callback_mode: :state_functions

def connecting(:info, {:connected, socket}, data), do: {:next_state, :connected, %{data | socket: socket}}
def connecting({:call, _from}, :send, _data), do: {:keep_state_and_data, :postpone}
\`\`\`

One or two values of a flag are not a state machine and are not flagged.`,
    appliesTo: PRODUCTION,
    runsOn: "anywhere",
  },
  query: USE_GENSERVER_QUERY,
  refine({ report }) {
    const module = report ? enclosingModule(report) : null;
    if (!module) return null;
    const valuesByField = new Map<string, Set<string>>();
    for (const def of moduleDefinitions(module)) {
      if (!CALLBACKS.has(definitionName(def) ?? "")) continue;
      const state = definitionParameters(def).at(-1);
      for (const [field, value] of state ? atomFields(state) : []) valuesByField.set(field, (valuesByField.get(field) ?? new Set()).add(value));
    }
    const [field, values] = [...valuesByField].find(([, v]) => v.size >= STATES_THRESHOLD) ?? [];
    if (!field || !values) return null;
    return { message: "states", values: { count: String(values.size), field, values: [...values].join(", ") } };
  },
  examples: {
    valid: [
      {
        note: "Two values of a flag are not a state machine.",
        code: `
defmodule MyApp.Toggle do
  use GenServer
  def handle_call(:flip, _from, %{on: true} = s), do: {:reply, :off, %{s | on: false}}
  def handle_call(:flip, _from, %{on: false} = s), do: {:reply, :on, %{s | on: true}}
  def handle_info(:tick, %{mode: :fast} = s), do: {:noreply, s}
  def handle_info(:tick, %{mode: :slow} = s), do: {:noreply, s}
end`,
      },
    ],
    invalid: [
      {
        code: `
defmodule MyApp.Connection do
  # ruleid: genserver-explicit-states
  use GenServer

  def handle_call(:send, _from, %{status: :connecting} = state), do: {:reply, {:error, :not_ready}, state}
  def handle_call(:send, _from, %{status: :connected} = state), do: {:reply, :ok, state}
  def handle_info(:timeout, %State{status: :closing} = state), do: {:stop, :normal, state}
end`,
      },
    ],
  },
});

/** `status: :connecting` pairs of a map or struct pattern (also inside `pattern = var`). */
function atomFields(pattern: SyntaxNode): Array<[string, string]> {
  const maps = pattern.descendantsOfType("map");
  return maps.flatMap((map) =>
    map
      .descendantsOfType("pair")
      .filter((pair) => parentOf(parentOf(parentOf(pair)))?.id === map.id && pair.childForFieldName("value")?.type === "atom")
      .map((pair): [string, string] => [keywordKey(pair) ?? "", pair.childForFieldName("value")!.text]),
  );
}
