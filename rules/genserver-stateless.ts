import { parentOf } from "../src/engine/parents.js";
import { definitionBody, definitionGuard, definitionParameters, effectiveArguments, identifierUses, isStaticValue, keywordValue, localCallee, remoteCallee } from "../src/engine/elixir.js";
import { USE_GENSERVER_QUERY } from "../src/engine/otp.js";
import type { SyntaxNode } from "../src/engine/parser.js";
import { defineRule, PRODUCTION } from "../src/engine/rule.js";

/** Callbacks that receive and return the state. */
const STATE_CALLBACKS = new Set(["handle_call", "handle_cast", "handle_continue"]);

/** Where each return tuple keeps the new state: `{:reply, reply, state}`, `{:noreply, state}`… */
const STATE_INDEX: Readonly<Record<string, (size: number) => number>> = {
  ":reply": () => 2,
  ":noreply": () => 1,
  ":stop": (size) => (size === 4 ? 3 : 2),
};

/**
 * Calls that show the process exists for more than its replies: timers, subscriptions,
 * monitors, trapped exits, tables, ports and sockets it owns. `module: [functions]`, `*` = any.
 */
const PROCESS_PURPOSE: Readonly<Record<string, readonly string[]>> = {
  Process: ["send_after", "monitor", "flag", "link"],
  ":timer": ["*"],
  ":erlang": ["send_after", "start_timer", "monitor", "open_port", "process_flag"],
  ":ets": ["new"],
  ":dets": ["open_file"],
  Port: ["open"],
  ":gen_tcp": ["*"],
  ":gen_udp": ["*"],
  ":ssl": ["*"],
  ":pg": ["join", "monitor", "monitor_scope"],
  Registry: ["register"],
  Node: ["monitor"],
  ":net_kernel": ["monitor_nodes"],
};

export default defineRule({
  meta: {
    id: "genserver-stateless",
    severity: "warning",
    summary: "A GenServer that holds no state: its calls only compute replies from their arguments",
    guideSection: "The Iron Law",
    principle: "Don't wrap stateless functions in GenServer. Don't create GenServer \"for organization\".",
    premise:
      "The guide: don't wrap stateless functions in GenServer; don't create GenServer for organization. Evidence: every `handle_call`/`handle_cast` computes its reply from the message alone and returns the state untouched, the module handles no other messages, and the process exists for nothing else — no timer, subscription, monitor, link, trapped exit, table, port or socket — and its docs do not say it serialises access on purpose. And callers must queue behind it: one process under a fixed name that answers `handle_call`. A process started without a fixed name (one of a pool, one per job or per node), or one that only receives casts, is not a finding: nobody waits on it, and a cast-only worker moves slow work off its callers and runs it one at a time, often on purpose.",
    messages: {
      default: "This GenServer never reads or changes its state: every caller queues behind one process to run what could be a plain function. Make these plain module functions.",
    },
    explanation: `
A GenServer handles **one message at a time**. Wrapping stateless computation in one turns a
function any process could run in parallel into a queue: every caller waits for every other
caller, and a slow or crashing request holds up or takes down all of them.

The guide's decision tree starts with *Need state? No → plain function*. When every
\`handle_call\`/\`handle_cast\` computes its reply from the message alone and returns the state
untouched, the process adds a bottleneck and a failure point and nothing else:

\`\`\`elixir
# instead of GenServer.call(Pricing, {:quote, item})
defmodule Pricing do
  def quote(item), do: item.base_price * markup(item)
end
\`\`\`

The rule stays quiet when the process exists for something else: it handles messages
(\`handle_info\`), runs timers, subscribes, monitors or links, traps exits, or owns a table, port
or socket. If you need serialised access to an outside resource on purpose, say so in a comment
and suppress the finding.`,
    appliesTo: PRODUCTION,
    runsOn: "anywhere",
  },
  query: USE_GENSERVER_QUERY,
  refine({ report }, file) {
    const module = file.semantics.model.moduleAt(report);
    if (!module || /serial|one at a time|rate.?limit|in order|sequential/i.test(module.moduledoc ?? "")) return null;
    const { functions } = module;
    if (functions.has("handle_info") || !(functions.has("handle_call") || functions.has("handle_cast"))) return null;
    if (hasProcessPurpose(module.node)) return null;
    if (![...STATE_CALLBACKS].flatMap((name) => functions.get(name) ?? []).every((clause) => isStatelessClause(clause.node))) return null;
    // The bottleneck needs callers that wait (`handle_call`) on one process that serves them all.
    return functions.has("handle_call") && isSingleton(module.node);
  },
  examples: {
    valid: [
      {
        note: "Reads and changes its state: a real GenServer.",
        code: `
defmodule MyApp.Counter do
  use GenServer
  def init(n), do: {:ok, n}
  def handle_call(:get, _from, n), do: {:reply, n, n}
  def handle_cast(:bump, n), do: {:noreply, n + 1}
end`,
      },
      {
        note: "The ETS pattern: the process owns the table, writes serialise through it.",
        code: `
defmodule MyApp.Cache do
  use GenServer
  def init(_), do: {:ok, :ets.new(__MODULE__, [:named_table, read_concurrency: true])}
  def handle_call({:put, key, value}, _from, table) do
    :ets.insert(table, {key, value})
    {:reply, :ok, table}
  end
end`,
      },
      {
        note: "A process that exists for its timer.",
        code: `
defmodule MyApp.Heartbeat do
  use GenServer
  def init(_) do
    :timer.send_interval(1_000, :beat)
    {:ok, nil}
  end
  def handle_call(:ping, _from, state), do: {:reply, :pong, state}
end`,
      },
      {
        note: "It handles messages.",
        code: `
defmodule MyApp.Listener do
  use GenServer
  def handle_call({:echo, x}, _from, state), do: {:reply, x, state}
  def handle_info(msg, state), do: {:noreply, state}
end`,
      },
      {
        note: "Pattern-matching the state reads it.",
        code: `
defmodule MyApp.Config do
  use GenServer
  def handle_call(:get, _from, %{config: config} = state), do: {:reply, config, state}
end`,
      },
      {
        note: "A worker started per job that only receives casts: nobody waits on it, and it moves the slow call off its caller.",
        code: `
defmodule MyApp.Notifier do
  use GenServer
  def start_link(opts), do: GenServer.start_link(__MODULE__, opts)
  def notify(pid, event), do: GenServer.cast(pid, {:notify, event})
  def init(opts), do: {:ok, opts}
  def handle_cast({:notify, event}, state) do
    Webhooks.post(event)
    {:noreply, state}
  end
end`,
      },
    ],
    invalid: [
      {
        code: `
defmodule MyApp.Pricing do
  # ruleid: genserver-stateless
  use GenServer

  def start_link(_), do: GenServer.start_link(__MODULE__, nil, name: __MODULE__)
  def quote(item), do: GenServer.call(__MODULE__, {:quote, item})

  def init(_), do: {:ok, nil}

  def handle_call({:quote, item}, _from, state) do
    {:reply, item.base_price * 1.2, state}
  end

  def handle_call({:tax, amount}, _from, _state), do: {:reply, amount * 0.2, nil}
  def handle_cast({:log, item}, state) do
    Logger.info("quoted #{item.id}")
    {:noreply, state}
  end
end`,
      },
    ],
  },
});

/** One process serves every caller: it starts under a fixed name (`name: __MODULE__`), or its callers address it by one. */
function isSingleton(module: SyntaxNode): boolean {
  return module.descendantsOfType("call").some((call) => {
    const callee = remoteCallee(call);
    if (callee?.module !== "GenServer") return false;
    const args = effectiveArguments(call);
    if (callee.fun === "start_link" || callee.fun === "start") return isFixedName(keywordValue(args[2], "name"));
    return (callee.fun === "call" || callee.fun === "cast") && isFixedName(args[0]);
  });
}

function isFixedName(name: SyntaxNode | undefined): boolean {
  return name !== undefined && (name.text === "__MODULE__" || (name.type !== "string" && isStaticValue(name)));
}

function hasProcessPurpose(module: SyntaxNode): boolean {
  for (const node of module.descendantsOfType("call")) {
    const callee = remoteCallee(node);
    if (callee) {
      const funs = PROCESS_PURPOSE[callee.module];
      if (funs && (funs.includes("*") || funs.includes(callee.fun))) return true;
      if (callee.fun === "subscribe") return true;
    } else if (localCallee(node) === "send_after") {
      return true;
    }
  }
  return false;
}

/** A callback clause that neither reads its state nor returns a different one. */
function isStatelessClause(def: SyntaxNode): boolean {
  const state = definitionParameters(def).at(-1);
  const body = definitionBody(def);
  if (!state || !body) return false;
  const name = stateVariable(state);
  if (name === null) return false;
  const returns = returnTuples(body);
  if (returns.length === 0) return false;
  const returnsSameState = returns.every((tuple) => {
    const kept = stateElement(tuple);
    return kept !== undefined && ((name !== undefined && kept.type === "identifier" && kept.text === name) || isStaticValue(kept));
  });
  if (!returnsSameState || name === undefined) return returnsSameState;
  const guard = definitionGuard(def);
  const reads = [...identifierUses(body, name), ...(guard ? identifierUses(guard, name) : [])];
  return reads.every((use) => parentOf(use)?.type === "tuple" && returns.some((tuple) => stateElement(tuple)?.id === use.id));
}

/** The state parameter's variable; undefined when it is ignored (`_state`), null for a pattern. */
function stateVariable(param: SyntaxNode): string | undefined | null {
  if (param.type !== "identifier") return null;
  return param.text.startsWith("_") ? undefined : param.text;
}

function returnTuples(body: SyntaxNode): SyntaxNode[] {
  return body.descendantsOfType("tuple").filter((n) => STATE_INDEX[n.namedChildren[0]?.text ?? ""] !== undefined);
}

function stateElement(tuple: SyntaxNode): SyntaxNode | undefined {
  const elements = tuple.namedChildren;
  const index = STATE_INDEX[elements[0]!.text]!(elements.length);
  return elements[index];
}
