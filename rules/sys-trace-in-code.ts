import { effectiveArguments } from "../src/engine/elixir.js";
import { defineRule, PRODUCTION } from "../src/engine/rule.js";

export default defineRule({
  meta: {
    id: "sys-trace-in-code",
    severity: "warning",
    summary: "`:sys` debugging (`trace`, `get_state`, `replace_state`, `install`) left in production code",
    guideSection: ":sys Debugs ANY OTP Process",
    principle: "`:sys.trace(pid, true)` — trace events (TURN OFF when done!).",
    premise: "The guide: `:sys` debugs any OTP process (and tracing must be turned off when done). Evidence: production code calls `:sys.get_state`, `replace_state`, `install`, or turns tracing on.",
    messages: {
      default: "`:sys` is a debugging tool: it works through the process's own mailbox, bypasses its API and, for tracing, prints every event. Use it from IEx; expose what production code needs through the process's API.",
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

Expose what production code needs through the process's own API (\`GenServer.call(pid, :status)\`),
and use \`:telemetry\` for observability. Tests may use \`:sys.get_state/1\` — they are not flagged.`,
    appliesTo: PRODUCTION,
  },
  query: `
(call target: (dot left: (atom) @module right: (identifier) @fun)
  (#eq? @module ":sys")
  (#any-of? @fun "trace" "get_state" "replace_state" "install")) @report
`,
  refine({ report, fun }) {
    if (!report) return null;
    if (fun?.text === "trace") return effectiveArguments(report)[1]?.text === "true" ? { message: "traceOn" } : null;
    return true;
  },
  examples: {
    valid: [
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
