import { effectiveArguments, isRunTimeCode } from "../src/engine/elixir.js";
import { defineRule, PRODUCTION_ONLY } from "../src/engine/rule.js";

/** `Module.function` → the 1-based position of its timeout argument. */
const TIMEOUT_POSITION: Readonly<Record<string, number>> = {
  "GenServer.call": 3,
  ":gen_server.call": 3,
  ":gen_statem.call": 3,
  "GenStateMachine.call": 3,
  "Task.await": 2,
  "Task.await_many": 2,
  "Task.yield": 2,
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
    message: "`:infinity` waits forever: if the other process is stuck, so is this one, and the failure never surfaces. Set a finite timeout and handle the exit.",
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
    appliesTo: PRODUCTION_ONLY,
  },
  query: `
(call target: (dot left: [(alias) (atom)] @module right: (identifier) @fun)
  (#any-of? @module "GenServer" ":gen_server" ":gen_statem" "GenStateMachine" "Task")
  (#any-of? @fun "call" "await" "await_many" "yield")) @report
`,
  refine({ report, module, fun }) {
    const position = TIMEOUT_POSITION[`${module?.text}.${fun?.text}`];
    if (!report || position === undefined) return null;
    const args = effectiveArguments(report);
    if (args.length !== position || args[position - 1]!.text !== ":infinity" || !isRunTimeCode(report)) return null;
    // OTP's own convention: calls to a supervisor wait for the child's start, however long.
    return !SUPERVISOR.test(args[0]?.text ?? "");
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
