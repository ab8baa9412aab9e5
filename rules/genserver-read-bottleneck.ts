import {
  definitionBody,
  definitionName,
  definitionParameters,
  enclosingModule,
  identifierUses,
  keywordKey,
  moduleDefinitions,
  operatorOf,
} from "../src/engine/elixir.js";
import { USE_GENSERVER_QUERY } from "../src/engine/otp.js";
import type { SyntaxNode } from "../src/engine/parser.js";
import { defineRule, PRODUCTION_ONLY } from "../src/engine/rule.js";

export default defineRule({
  meta: {
    id: "genserver-read-bottleneck",
    severity: "warning",
    summary: "A singleton GenServer whose `handle_call` only reads its state: every reader queues behind one process",
    guideSection: "The Iron Law",
    principle: "Can reads bypass the GenServer via ETS? The ETS pattern: GenServer owns ETS table, writes serialize through GenServer, reads bypass it entirely with `:read_concurrency`.",
    message: "Every reader of this state waits in one process's mailbox, one at a time. Keep the data in an ETS table the server owns (`read_concurrency: true`) and read it directly; send only writes through the server.",
    explanation: `
A GenServer handles one message at a time. When a single, globally registered server answers
reads of its state, every process in the system that wants the value queues behind every other
one — and behind the slow writes too. Under load the mailbox grows, callers time out, and the
server becomes the bottleneck the Iron Law warns about.

Reads that only look at the state do not need serialising. The ETS pattern keeps the server for
what does — writes — and lets reads bypass it:

\`\`\`elixir
def init(_) do
  :ets.new(__MODULE__, [:named_table, :protected, read_concurrency: true])
  {:ok, nil}
end

# read: any process, in parallel, no message
def get(key) do
  case :ets.lookup(__MODULE__, key) do
    [{^key, value}] -> value
    [] -> nil
  end
end

# write: through the owner, serialised
def put(key, value), do: GenServer.call(__MODULE__, {:put, key, value})
def handle_call({:put, key, value}, _from, state) do
  :ets.insert(__MODULE__, {key, value})
  {:reply, :ok, state}
end
\`\`\`

For data that almost never changes, \`:persistent_term\` is faster still. Per-entity processes
(named with via tuples, addressed by pid) and calls that change state are not flagged.`,
    appliesTo: PRODUCTION_ONLY,
  },
  query: USE_GENSERVER_QUERY,
  refine({ report }) {
    const module = report ? enclosingModule(report) : null;
    if (!module || !isSingleton(module)) return null;
    const reader = moduleDefinitions(module).find((def) => definitionName(def) === "handle_call" && onlyReadsState(def));
    return reader ? { node: reader } : null;
  },
  examples: {
    valid: [
      {
        note: "Per-entity processes, named with a via tuple.",
        code: `
defmodule MyApp.Cart do
  use GenServer
  def start_link(id), do: GenServer.start_link(__MODULE__, id, name: {:via, Registry, {MyApp.Registry, id}})
  def handle_call(:items, _from, state), do: {:reply, state.items, state}
end`,
      },
      {
        note: "Calls that change the state need serialising.",
        code: `
defmodule MyApp.Counter do
  use GenServer
  def start_link(_), do: GenServer.start_link(__MODULE__, 0, name: __MODULE__)
  def handle_call(:next, _from, n), do: {:reply, n + 1, n + 1}
end`,
      },
    ],
    invalid: [
      {
        code: `
defmodule MyApp.Settings do
  use GenServer

  def start_link(_), do: GenServer.start_link(__MODULE__, %{}, name: __MODULE__)
  def get(key), do: GenServer.call(__MODULE__, {:get, key})

  def init(settings), do: {:ok, settings}

  # ruleid: genserver-read-bottleneck
  def handle_call({:get, key}, _from, state) do
    {:reply, Map.get(state, key), state}
  end

  def handle_call({:put, key, value}, _from, state), do: {:reply, :ok, Map.put(state, key, value)}
end`,
      },
      {
        note: "Registered under a literal atom, reading through a pattern.",
        code: `
defmodule MyApp.FeatureFlags do
  use GenServer
  def start_link(flags), do: GenServer.start_link(__MODULE__, flags, name: :feature_flags)
  # ruleid: genserver-read-bottleneck
  def handle_call(:all, _from, %{flags: flags} = state), do: {:reply, flags, state}
end`,
      },
    ],
  },
});

/** Registered under `__MODULE__` or a literal atom, and never under a via tuple: one process for everyone. */
function isSingleton(module: SyntaxNode): boolean {
  const names = module.descendantsOfType("pair").filter((pair) => keywordKey(pair) === "name").map((pair) => pair.childForFieldName("value"));
  return names.some((n) => n?.text === "__MODULE__" || n?.type === "atom") && !names.some((n) => n?.type === "tuple");
}

/** `{:reply, <reads state>, state}` as the whole body, the state returned unchanged. */
function onlyReadsState(def: SyntaxNode): boolean {
  const param = definitionParameters(def)[2];
  const body = definitionBody(def);
  const reply = body?.type === "do_block" && body.namedChildren.length === 1 ? body.namedChildren[0] : body;
  if (!param || reply?.type !== "tuple") return false;
  const [tag, value, kept] = reply.namedChildren;
  if (tag?.text !== ":reply" || !value || reply.namedChildren.length !== 3) return false;
  const { variable, bound } = stateNames(param);
  if (!variable || kept?.text !== variable) return false;
  return [variable, ...bound].some((name) => identifierUses(value, name).length > 0);
}

/** The state's variable (`state` in `%{a: a} = state`) and the names its pattern binds. */
function stateNames(param: SyntaxNode): { variable?: string; bound: string[] } {
  if (param.type === "identifier") return { variable: param.text, bound: [] };
  if (param.type !== "binary_operator" || operatorOf(param) !== "=") return { bound: [] };
  const [left, right] = [param.childForFieldName("left"), param.childForFieldName("right")];
  const [variable, pattern] = right?.type === "identifier" ? [right, left] : [left, right];
  if (variable?.type !== "identifier" || !pattern) return { bound: [] };
  return { variable: variable.text, bound: pattern.descendantsOfType("identifier").map((n) => n.text) };
}
