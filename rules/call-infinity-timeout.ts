import { effectiveArguments, operatorOf } from "../src/engine/elixir.js";
import type { SyntaxNode } from "../src/engine/parser.js";
import { defineRule, PRODUCTION } from "../src/engine/rule.js";
import { isBlocking } from "../src/engine/blocking.js";
import type { FunctionClause } from "../src/engine/semantic/file-model.js";
import type { Semantics } from "../src/engine/semantic/semantics.js";
import { isInSpawnedFunction, runsInStatefulProcess } from "../src/engine/semantic/processes.js";

/** `Module.function` → the 1-based position of its timeout argument. */
const TIMEOUT_POSITION: Readonly<Record<string, number>> = {
  "GenServer.call": 3,
  ":gen_server.call": 3,
  ":gen_statem.call": 3,
  "GenStateMachine.call": 3,
  "Task.await": 2,
  "Task.await_many": 2,
  "Task.yield": 2,
  "Task.yield_many": 2,
  "GenStage.call": 3,
  "Agent.get": 3,
  "Agent.update": 3,
  "Agent.get_and_update": 3,
  ":rpc.call": 5,
  ":erpc.call": 5,
};

/** A call target that names a supervisor: `supervisor`, `sup`, `MyApp.TaskSupervisor`. */
const SUPERVISOR = /(^|[._])(sup|supervisor)$|Supervisor$/i;

export default defineRule({
  meta: {
    id: "call-infinity-timeout",
    severity: "warning",
    summary: "A call or await that waits forever (`:infinity`)",
    guideSection: "GenServer Patterns",
    principle: "Set appropriate timeouts for `call/3`.",
    premise:
      "The guide: set appropriate timeouts for `call/3`. Evidence: a caller that serves others — a request handler, a LiveView, a channel, a GenServer's callback — waits with `:infinity` (written, or a timeout that defaults to it) on another process that can stall, and nothing written beside the call says why. A server's own client API is not a finding: who calls it, and what bounds them, is in other files. Not findings: waits inside a spawned task, calls to supervisors, awaits of tasks the function started itself (their bodies bound the work), calls to the module's own server when its `handle_call` does no I/O or replies later on purpose, and choices explained in a comment or the function's `@doc`.",
    messages: {
      defaulted: "This timeout defaults to `:infinity`: a caller that passes none waits forever if the other process is stuck. Default to a finite timeout that fits the work.",
      default: "`:infinity` waits forever: if the other process is stuck, so is this one, and the failure never surfaces. Set a finite timeout and handle the exit.",
    },
    explanation: `
A GenServer handles one message at a time. A caller that waits with \`:infinity\` inherits every
delay of the process it calls — a slow query, a stuck socket, a deadlock between two servers
calling each other — and passes it on to its own callers. No timeout means no error either: the
request just hangs, holding its memory and its place in every queue.

The default of 5 seconds exists so that a stuck process shows up as an exit you can see and
handle. Choose a timeout that fits the work, and decide what a timeout means:

\`\`\`elixir
GenServer.call(server, {:import, file}, 30_000)

case Task.yield(task, 10_000) || Task.shutdown(task) do
  {:ok, result} -> {:ok, result}
  _ -> {:error, :timeout}
end
\`\`\`

Work that really takes unbounded time does not belong in a call: cast it, or run it in a
supervised task and report back with a message.`,
    appliesTo: PRODUCTION,
    quietWhenExplained: /infinity|timeout|forever|wait|block|bound/i,
  },
  query: `
(call target: (dot left: [(alias) (atom)] @module right: (identifier) @fun)
  (#any-of? @module "GenServer" ":gen_server" ":gen_statem" "GenStateMachine" "Task" "GenStage" "Agent" ":rpc" ":erpc")
  (#any-of? @fun "call" "await" "await_many" "yield" "yield_many" "get" "update" "get_and_update")) @report
`,
  refine({ report, module, fun }, file) {
    const position = TIMEOUT_POSITION[`${module?.text}.${fun?.text}`];
    if (position === undefined) return null;
    const args = effectiveArguments(report);
    const timeout = args.length === position ? args[position - 1]! : undefined;
    const { semantics } = file;
    const clause = semantics.model.clauseAt(report);
    // OTP's own convention: calls to a supervisor wait for the child's start, however long.
    if (!timeout || !clause || SUPERVISOR.test(args[0]?.text ?? "") || isInSpawnedFunction(report, clause)) return null;
    if (module?.text === "Task" ? startsItsTasks(clause) : calleeCannotStall(report, clause, semantics)) return null;
    const serving = semantics.kindAt(report) === "request" || runsInStatefulProcess(semantics.model, clause);
    // A server's client API waits as long as its callers let it: who they are is in other files.
    if (!serving) return null;
    if (timeout.text === ":infinity") return true;
    return defaultsToInfinity(timeout, clause) ? { node: timeout, message: "defaulted", confidence: "medium" } : null;
  },
  examples: {
    valid: [
      {
        note: "Finite timeouts, the defaults, and calls to a supervisor (OTP's convention: they wait for the child's start).",
        code: `
defmodule MyAppWeb.ImportController do
  def create(conn, %{"file" => file}), do: json(conn, GenServer.call(MyApp.Importer, {:import, file}, 30_000))
  def status(conn, _), do: json(conn, GenServer.call(MyApp.Importer, :status))
  def start(conn, spec), do: json(conn, GenServer.call(MyApp.WorkerSupervisor, {:start_child, spec}, :infinity))
end`,
      },
      {
        note: "A reason written beside the choice: a comment right above, or the function's `@doc`.",
        code: `
defmodule MyAppWeb.ExportLive do
  use MyAppWeb, :live_view

  def handle_event("export", _params, socket) do
    # The exporter replies when the file is written; the browser shows progress meanwhile.
    {:noreply, assign(socket, file: GenServer.call(MyApp.Exporter, :export, :infinity))}
  end

  @doc "Waits for the lock without a timeout: the sender's rpc timeout is the real bound."
  def lock(scope), do: GenServer.call(scope, :lock, :infinity)
end`,
      },
      {
        note: "Awaiting tasks the function started itself (their bodies bound the work), and calls to a server whose `handle_call` only touches memory or replies later on purpose (a queue of waiters).",
        code: `
defmodule MyApp.Pool do
  use GenServer

  def copy_all(files), do: files |> Enum.map(&Task.async(fn -> copy(&1) end)) |> Task.await_many(:infinity)
  def checkout, do: GenServer.call(__MODULE__, :checkout, :infinity)

  def handle_call(:checkout, _from, %{free: [name | rest]} = state), do: {:reply, name, %{state | free: rest}}
  def handle_call(:checkout, from, state), do: {:noreply, %{state | waiting: [from | state.waiting]}}
end`,
      },
      {
        note: "Tests may wait as long as they like.",
        path: "test/importer_test.exs",
        code: `
test "imports" do
  assert :ok = GenServer.call(Importer, {:import, "f.csv"}, :infinity)
end`,
      },
    ],
    invalid: [
      {
        note: "A controller and a LiveView — callers that serve others — waiting forever on another process.",
        code: `
defmodule MyAppWeb.ImportController do
  def create(conn, %{"file" => file}) do
    # ruleid: call-infinity-timeout
    json(conn, GenServer.call(MyApp.Importer, {:import, file}, :infinity))
  end

  def nodes(conn, _) do
    # ruleid: call-infinity-timeout
    json(conn, :erpc.call(node(), MyApp.Cluster, :members, [], :infinity))
  end
end

defmodule MyAppWeb.StateLive do
  use MyAppWeb, :live_view
  # ruleid: call-infinity-timeout
  def mount(%{"id" => id}, _session, socket), do: {:ok, assign(socket, state: :gen_statem.call(via(id), :get_state, :infinity))}
end`,
      },
      {
        note: "A GenServer's callback — every caller of this server waits behind it — and a timeout that defaults to `:infinity` in a controller.",
        code: `
defmodule MyApp.Importer do
  use GenServer

  def handle_cast({:import, file}, state) do
    # ruleid: call-infinity-timeout
    rows = GenServer.call(MyApp.Parser, {:parse, file}, :infinity)
    {:noreply, %{state | rows: rows}}
  end
end

defmodule MyAppWeb.ReportController do
  # ruleid: call-infinity-timeout (medium)
  def show(conn, params, timeout \\\\ :infinity), do: json(conn, GenServer.call(MyApp.Reports, {:build, params}, timeout))
end`,
      },
    ],
  },
});

/**
 * `tasks = Enum.map(…, &Task.async/1)` then `Task.await_many(tasks, :infinity)`: the caller bounds
 * the work by what it started — itself, or through a local helper (`Enum.map(&run_task/1)`).
 */
function startsItsTasks(clause: FunctionClause): boolean {
  const starts = (c: FunctionClause) => /Task\.(async|Supervisor\.async)/.test(c.body?.text ?? "");
  if (starts(clause)) return true;
  const captured = [...(clause.body?.text ?? "").matchAll(/&(\w+)\/\d/g)].map((m) => m[1]!);
  const helpers = new Set([...clause.localCalls, ...captured]);
  return [...helpers].some((name) => (clause.module?.functions.get(name) ?? []).some(starts));
}

/**
 * The call goes to this module's own server (`__MODULE__`, a pid), whose `handle_call` cannot
 * stall: no clause does I/O or waits — or it replies later on purpose (`{:noreply, …}` keeps the
 * caller waiting for an event, as a queue or a rate limiter does).
 */
function calleeCannotStall(call: SyntaxNode, clause: FunctionClause, semantics: Semantics): boolean {
  const module = clause.module;
  const target = effectiveArguments(call)[0];
  if (!module?.functions.has("handle_call") || !target || !(target.text === "__MODULE__" || target.type === "identifier")) return false;
  return semantics.once(module, "server-cannot-stall", () => {
    const handlers = module.functions.get("handle_call")!;
    if (handlers.some((handler) => /\{:noreply\b/.test(handler.body?.text ?? ""))) return true;
    return !semantics.model.reachable(module, ["handle_call"]).some((handler) => handler.body?.descendantsOfType("call").some(isBlocking));
  });
}

/** `def call(x, timeout \\ :infinity)`, `timeout = Keyword.get(opts, :timeout, :infinity)`: a timeout that is `:infinity` unless someone says otherwise. */
function defaultsToInfinity(timeout: SyntaxNode, clause: FunctionClause): boolean {
  if (timeout.type === "identifier") {
    const name = timeout.text;
    const heads = clause.module?.functions.get(clause.name) ?? [clause];
    const defaulted = heads
      .flatMap((head) => head.parameters)
      .some((p) => p.type === "binary_operator" && operatorOf(p) === "\\\\" && p.childForFieldName("left")?.text === name && p.childForFieldName("right")?.text === ":infinity");
    const bound = new RegExp(`\\b${name}\\s*=\\s*(Keyword\\.get\\([^)]*,\\s*:infinity\\)|[^\\n]*\\|\\|\\s*:infinity)`).test(clause.body?.text ?? "");
    return defaulted || bound;
  }
  return /^(Keyword\.get\([^)]*,\s*:infinity\)|.*\|\|\s*:infinity)$/.test(timeout.text);
}
