import { effectiveArguments, operatorOf } from "../src/engine/elixir.js";
import type { SyntaxNode } from "../src/engine/parser.js";
import { defineRule, PRODUCTION } from "../src/engine/rule.js";
import type { FunctionClause } from "../src/engine/semantic/file-model.js";
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
    premise: "The guide: set appropriate timeouts for `call/3`. Evidence: a caller that serves others — a request handler, a LiveView, a channel, a GenServer's callback — waits with `:infinity` (written, or a timeout that defaults to it) on another process, and nothing written beside the call says why. Waits inside a spawned task, calls to supervisors, and choices explained in a comment right above are not findings. Whether the callee can stall is rarely in the same file, so a caller that does not itself serve others gives medium confidence.",
    messages: { defaulted: "This timeout defaults to `:infinity`: a caller that passes none waits forever if the other process is stuck. Default to a finite timeout that fits the work.", default: "`:infinity` waits forever: if the other process is stuck, so is this one, and the failure never surfaces. Set a finite timeout and handle the exit." },
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
    quietWhenExplained: true,
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
    const serving = semantics.kindAt(report) === "request" || runsInStatefulProcess(semantics.model, clause);
    if (timeout.text === ":infinity") return { confidence: serving ? "high" : "medium" };
    return defaultsToInfinity(timeout, clause) ? { node: timeout, message: "defaulted", confidence: "medium" } : null;
  },
  examples: {
    valid: [
      {
        note: "Finite timeouts, the defaults, and calls to a supervisor (OTP's convention: they wait for the child's start).",
        code: `
defmodule MyApp.Importer do
  def import(file), do: GenServer.call(__MODULE__, {:import, file}, 30_000)
  def status, do: GenServer.call(__MODULE__, :status)
  def wait(task), do: Task.await(task, :timer.minutes(2))
  def poll(task), do: Task.yield(task, 1_000) || Task.shutdown(task)
  def start(supervisor, spec), do: GenServer.call(supervisor, {:start_child, spec}, :infinity)
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
        code: `
defmodule MyApp.Importer do
  def import(file) do
    # ruleid: call-infinity-timeout
    GenServer.call(__MODULE__, {:import, file}, :infinity)
  end

  def run(tasks) do
    # ruleid: call-infinity-timeout
    results = Task.await_many(tasks, :infinity)
    # ruleid: call-infinity-timeout
    {:ok, _} = tasks |> hd() |> Task.yield(:infinity)
    results
  end

  # ruleid: call-infinity-timeout
  def state(pid), do: :gen_statem.call(pid, :get_state, :infinity)
end`,
      },
    ],
  },
});

/** `def call(x, timeout \\ :infinity)`, `timeout = Keyword.get(opts, :timeout, :infinity)`: a timeout that is `:infinity` unless someone says otherwise. */
function defaultsToInfinity(timeout: SyntaxNode, clause: FunctionClause): boolean {
  if (timeout.type === "identifier") {
    const name = timeout.text;
    const heads = clause.module?.functions.get(clause.name) ?? [clause];
    const defaulted = heads.flatMap((head) => head.parameters).some((p) => p.type === "binary_operator" && operatorOf(p) === "\\\\" && p.childForFieldName("left")?.text === name && p.childForFieldName("right")?.text === ":infinity");
    const bound = new RegExp(`\\b${name}\\s*=\\s*(Keyword\\.get\\([^)]*,\\s*:infinity\\)|[^\\n]*\\|\\|\\s*:infinity)`).test(clause.body?.text ?? "");
    return defaulted || bound;
  }
  return /^(Keyword\.get\([^)]*,\s*:infinity\)|.*\|\|\s*:infinity)$/.test(timeout.text);
}
