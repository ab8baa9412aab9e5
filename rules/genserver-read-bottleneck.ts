import { definitionBody, definitionParameters, identifierUses, isRemoteCall, keywordKey, operatorOf, effectiveArguments } from "../src/engine/elixir.js";
import { USE_GENSERVER_QUERY } from "../src/engine/otp.js";
import type { SyntaxNode } from "../src/engine/parser.js";
import { defineRule, PRODUCTION } from "../src/engine/rule.js";

export default defineRule({
  meta: {
    id: "genserver-read-bottleneck",
    severity: "warning",
    summary: "A singleton GenServer whose `handle_call` only reads its state: every reader queues behind one process",
    guideSection: "The Iron Law",
    principle: "Can reads bypass the GenServer via ETS? The ETS pattern: GenServer owns ETS table, writes serialize through GenServer, reads bypass it entirely with `:read_concurrency`.",
    premise:
      "The Iron Law: a GenServer is a bottleneck by design — can reads bypass it via ETS? Evidence: one process for everyone (registered under `__MODULE__` or a literal atom, never a via tuple, not one of a pool) answers a `handle_call` that only reads its state and returns it unchanged, and it owns no port, socket or table that would explain serialising. A reply that compares a size with a limit (`length(queue) < @max`) is a producer's back-pressure poll, not a read to move out. How often and from where it is read is in the callers' files, so the finding is medium unless this file reads it while handling a request.",
    messages: {
      default:
        "Every reader of this state waits in one process's mailbox, one at a time. Keep the data in an ETS table the server owns (`read_concurrency: true`) and read it directly; send only writes through the server.",
    },
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
    appliesTo: PRODUCTION,
    runsOn: "anywhere",
  },
  query: USE_GENSERVER_QUERY,
  refine({ report }, file) {
    const { model } = file.semantics;
    const module = model.moduleAt(report);
    if (!module || !isSingleton(module.node) || ownsResource(module.node) || /serial|one at a time|in order|sequential/i.test(module.moduledoc ?? "")) return null;
    const reader = (module.functions.get("handle_call") ?? []).find((clause) => onlyReadsState(clause.node));
    if (!reader) return null;
    const request = definitionParameters(reader.node)[0];
    const clients = module.node.descendantsOfType("call").filter((call) => isRemoteCall(call, "GenServer", ["call"]) && sameRequest(effectiveArguments(call)[1], request));
    // How often, and from where, the state is read is in the callers' files: medium, unless this file shows the read on a request path.
    const hot = clients.some((call) => file.semantics.kindAt(call) === "request");
    return { node: reader.node, confidence: hot ? "high" : "medium" };
  },
  examples: {
    valid: [
      {
        note: "One of a pool, a server that owns a port or a table others read directly, and a module whose docs say it serialises on purpose.",
        code: `
defmodule MyApp.Printer do
  @moduledoc "Owns the printer's port: jobs must reach it one at a time, in order."
  use GenServer
  def start_link(_), do: GenServer.start_link(__MODULE__, nil, name: __MODULE__)
  def handle_call(:status, _from, state), do: {:reply, state.status, state}
end

defmodule MyApp.Flags do
  use GenServer
  def start_link(_), do: GenServer.start_link(__MODULE__, nil, name: __MODULE__)
  def init(_), do: {:ok, :ets.new(__MODULE__, [:named_table, read_concurrency: true])}
  def handle_call(:table, _from, table), do: {:reply, table, table}
end`,
      },
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
        note: "A capacity check that a producer polls before sending more: back-pressure, which must see the owner's latest state.",
        code: `
defmodule MyApp.MediaQueue do
  use GenServer
  def start_link(_), do: GenServer.start_link(__MODULE__, %{queue: []}, name: __MODULE__)
  def handle_call(:not_full?, _from, %{queue: queue} = state), do: {:reply, length(queue) < 1_000, state}
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
        note: "A read-only call whose state is destructured in the head, read by a controller through the server.",
        code: `
defmodule MyApp.Names do
  use GenServer
  def start_link(_), do: GenServer.start_link(__MODULE__, {[], %{}}, name: __MODULE__)
  def all, do: GenServer.call(__MODULE__, :names)
  # ruleid: genserver-read-bottleneck (medium)
  def handle_call(:names, _from, {names, _} = state), do: {:reply, names, state}
end`,
      },
      {
        code: `
defmodule MyApp.Settings do
  use GenServer

  def start_link(_), do: GenServer.start_link(__MODULE__, %{}, name: __MODULE__)
  def get(key), do: GenServer.call(__MODULE__, {:get, key})

  def init(settings), do: {:ok, settings}

  # ruleid: genserver-read-bottleneck (medium)
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
  # ruleid: genserver-read-bottleneck (medium)
  def handle_call(:all, _from, %{flags: flags} = state), do: {:reply, flags, state}
end`,
      },
    ],
  },
});

/** Owns what only one process may touch: a port, a socket, a table others read directly. */
function ownsResource(module: SyntaxNode): boolean {
  return /:ets\.new|Port\.open|:gen_tcp\.|:ssl\.|:gen_udp\.|:erlang\.open_port|NimblePool|:poolboy|PartitionSupervisor/.test(module.text);
}

/** The client sends the request the clause answers: `:all` for `:all`, `{:get, key}` for `{:get, key}`. */
function sameRequest(sent: SyntaxNode | undefined, pattern: SyntaxNode | undefined): boolean {
  if (!sent || !pattern) return false;
  const tag = (node: SyntaxNode) => (node.type === "tuple" ? node.namedChildren[0]?.text : node.text);
  return tag(sent) === tag(pattern) && sent.type === pattern.type;
}

/** Registered under `__MODULE__` or a literal atom, and never under a via tuple: one process for everyone. */
function isSingleton(module: SyntaxNode): boolean {
  const names = module
    .descendantsOfType("pair")
    .filter((pair) => keywordKey(pair) === "name")
    .map((pair) => pair.childForFieldName("value"));
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
  if (!variable || kept?.text !== variable || isCapacityCheck(value)) return false;
  return [variable, ...bound].some((name) => identifierUses(value, name).length > 0);
}

/**
 * `{:reply, Enum.count(queue) < @max, state}`: the answer to "is there room?", which a producer
 * polls before it sends more. That is back-pressure, and it must see the owner's latest state.
 */
function isCapacityCheck(value: SyntaxNode): boolean {
  return value.type === "binary_operator" && ["<", "<=", ">", ">="].includes(operatorOf(value) ?? "");
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
