import { parentOf } from "../src/engine/parents.js";
import { effectiveArguments, localCallee } from "../src/engine/elixir.js";
import type { SyntaxNode } from "../src/engine/parser.js";
import { defineRule, PRODUCTION } from "../src/engine/rule.js";

export default defineRule({
  meta: {
    id: "sys-trace-in-code",
    severity: "warning",
    summary: "`:sys` debugging (`trace`, `get_state`, `replace_state`, `install`) left in production code",
    guideSection: ":sys Debugs ANY OTP Process",
    principle: "`:sys.trace(pid, true)` — trace events (TURN OFF when done!).",
    premise:
      "The guide: `:sys` debugs any OTP process (and tracing must be turned off when done). Evidence: production code calls `:sys.get_state`, `replace_state`, `install`, or turns tracing on — not release handling (state replaced between `:sys.suspend` and `:sys.resume`), and not where the docs say why. A call with its own deadline or inside a `catch` is introspection tooling written for processes that may not answer: medium confidence.",
    messages: {
      default:
        "`:sys` is a debugging tool: it works through the process's own mailbox, bypasses its API and, for tracing, prints every event. Use it from IEx; expose what production code needs through the process's API.",
      traceOn: "`:sys.trace(pid, true)` prints every event of the process until it is turned off: a debugging switch left on. Remove it, or use `:telemetry` for what production needs to see.",
    },
    explanation: `
\`:sys\` debugs any OTP process from the outside — from IEx, while you investigate. Left in code
it turns into something else:

- \`:sys.trace(pid, true)\` prints every message and state change of the process, forever, to the
  group leader: a flood of output and a slower process until someone turns it off.
- \`:sys.get_state/1\` and \`:sys.replace_state/2\` reach into another process's state, bypassing its
  API and its invariants, and block behind the process's mailbox like a call (5 s timeout).
- \`:sys.install/2\` attaches debug functions that run inside the process on every event.

\`\`\`elixir
# instead of :sys.get_state(MyApp.Cache).size
def size, do: GenServer.call(__MODULE__, :size)
def handle_call(:size, _from, state), do: {:reply, map_size(state.entries), state}
\`\`\`

Expose what production code needs through the process's own API (\`GenServer.call(pid, :status)\`),
and use \`:telemetry\` for observability. Tests may use \`:sys.get_state/1\` — they are not flagged.`,
    appliesTo: PRODUCTION,
  },
  query: `
(call target: (dot left: (atom) @module right: (identifier) @fun)
  (#eq? @module ":sys")
  (#any-of? @fun "trace" "get_state" "replace_state" "install")) @report
`,
  refine({ report, fun }, file) {
    if (!report) return null;
    if (fun?.text === "trace") return effectiveArguments(report)[1]?.text === "true" ? { message: "traceOn" } : null;
    const clause = file.semantics.model.clauseAt(report);
    const module = clause?.module;
    // Release handling: replacing a process's state between `:sys.suspend` and `:sys.resume` is OTP's upgrade protocol.
    if (module && /:sys\.suspend\b/.test(module.node.text) && /:sys\.resume\b/.test(module.node.text)) return null;
    // The docs say why this code reaches into another process.
    if (SYS_MENTION.test(`${clause?.doc ?? ""} ${module?.moduledoc ?? ""}`)) return null;
    // A deadline, or a `catch` around the call: tooling written for processes that may not answer.
    const args = effectiveArguments(report);
    const timeout = fun?.text === "get_state" ? args[1] : fun?.text === "replace_state" ? args[2] : undefined;
    return timeout !== undefined || isCaught(report) ? { confidence: "medium" } : true;
  },
  examples: {
    valid: [
      {
        note: "Release handling: state migrated between `:sys.suspend` and `:sys.resume`, as an appup does.",
        code: `
defmodule MyApp.Upgrade do
  def migrate(pid) do
    :ok = :sys.suspend(pid)
    :sys.replace_state(pid, fn {ts, interval} -> {ts, interval, :infinity} end)
    :sys.resume(pid)
  end
end`,
      },
      {
        note: "Turning tracing off, and tests reading state.",
        code: `
defmodule MyApp.Debug do
  def quiet(pid), do: :sys.trace(pid, false)
end`,
      },
      {
        path: "test/counter_test.exs",
        code: `
test "bumps" do
  Counter.bump(pid)
  assert :sys.get_state(pid) == 1
end`,
      },
    ],
    invalid: [
      {
        note: "Introspection written for processes that may not answer (a deadline, a `catch`): tooling, medium confidence.",
        code: `
defmodule MyApp.ProcessInfo do
  def state(pid) do
    # ruleid: sys-trace-in-code (medium)
    :sys.get_state(pid, 100)
  catch
    _, _ -> :unknown
  end
end`,
      },
      {
        code: `
defmodule MyApp.Worker do
  def start_link(opts) do
    {:ok, pid} = GenServer.start_link(__MODULE__, opts)
    # ruleid: sys-trace-in-code
    :sys.trace(pid, true)
    {:ok, pid}
  end

  # ruleid: sys-trace-in-code
  def peek(pid), do: :sys.get_state(pid)
  # ruleid: sys-trace-in-code
  def reset(pid), do: :sys.replace_state(pid, fn _ -> %{} end)
end`,
      },
    ],
  },
});

const SYS_MENTION = /:sys\b|\bsys\.(get_state|replace_state|install)/;

/** Inside `try … catch`/`rescue`, or in a function with a `catch` clause of its own. */
function isCaught(call: SyntaxNode): boolean {
  for (let n: SyntaxNode | null = parentOf(call); n; n = parentOf(n)) {
    if (
      n.type === "call" &&
      (localCallee(n) === "try" || /^defp?$/.test(localCallee(n) ?? "")) &&
      n.namedChildren.some((c) => c.type === "do_block" && c.namedChildren.some((b) => b.type === "catch_block" || b.type === "rescue_block"))
    )
      return true;
  }
  return false;
}
