import { parentOf } from "../src/engine/parents.js";
import { callArguments, effectiveArguments, localCallee, operatorOf, remoteCallee } from "../src/engine/elixir.js";
import { isWithin } from "../src/engine/otp.js";
import type { SyntaxNode } from "../src/engine/parser.js";
import { defineRule, PRODUCTION } from "../src/engine/rule.js";

/** Iterations that run their body once per element, as fast as they can. */
const ITERATORS: ReadonlyArray<[module: string, fun: string]> = [
  ["Enum", "each"],
  ["Enum", "map"],
  ["Enum", "flat_map"],
  ["Enum", "reduce"],
  ["Stream", "each"],
  ["Stream", "map"],
];

export default defineRule({
  meta: {
    id: "cast-without-backpressure",
    severity: "info",
    summary: "`GenServer.cast` in a loop: a burst of messages with no back-pressure",
    guideSection: "GenServer Patterns",
    principle: "When in doubt, use `call` to ensure back-pressure.",
    premise:
      "The guide: when in doubt, use `call` to ensure back-pressure. Evidence: `GenServer.cast` to one and the same server inside a loop over input (`Enum.each`, a comprehension, recursion), so the sender outruns the receiver's mailbox.",
    messages: {
      default:
        "Casting in a loop sends messages as fast as the loop runs, whatever the server can handle: its mailbox grows without bound. Use `GenServer.call` (the caller waits its turn), batch the items into one message, or use a bounded pipeline.",
    },
    explanation: `
\`GenServer.cast/2\` returns at once, whether or not the server keeps up. One cast is fine; a cast
per element of a list sends the whole list into the server's mailbox in a burst. The server
handles one message at a time, so the mailbox — and the node's memory — grows with the input,
every \`call\` to the same server now waits behind the burst, and a crash loses all of it.

\`\`\`elixir
# one message for the batch, or a call per item so the sender waits its turn
GenServer.cast(Importer, {:import, items})
Enum.each(items, &GenServer.call(Importer, {:import, &1}))
\`\`\`

\`GenServer.call/3\` makes each sender wait for its turn: back-pressure. Other options:

- one message for the whole batch: \`GenServer.cast(server, {:import, items})\`;
- a bounded pipeline (\`Task.Supervisor.async_stream_nolink\` with \`max_concurrency\`, GenStage,
  Broadway) when the work is large.`,
    appliesTo: PRODUCTION,
  },
  query: `
(call target: (dot left: (alias) @module right: (identifier) @fun)
  (#eq? @module "GenServer")
  (#eq? @fun "cast")) @report
`,
  refine({ report }) {
    const loop = report ? enclosingLoop(report) : null;
    const target = report ? effectiveArguments(report)[0] : undefined;
    if (!loop || !target) return null;
    // One cast to each of many processes is a broadcast, not a burst into one mailbox.
    return !varies(target, loop);
  },
  examples: {
    valid: [
      {
        note: "A single cast, a batch sent as one message, and one cast to each of many processes (a broadcast, as ExUnit's event manager does).",
        code: `
defmodule MyApp.Metrics do
  def record(event), do: GenServer.cast(__MODULE__, {:record, event})
  def record_all(events), do: GenServer.cast(__MODULE__, {:record_all, events})
  def flush(servers), do: Enum.each(servers, &GenServer.cast(&1, :flush))
  def notify(sup, msg), do: for({_, pid, _, _} <- DynamicSupervisor.which_children(sup), do: GenServer.cast(pid, msg))
end`,
      },
    ],
    invalid: [
      {
        code: `
defmodule MyApp.Importer do
  def import(rows) do
    # ruleid: cast-without-backpressure
    Enum.each(rows, fn row -> GenServer.cast(MyApp.Writer, {:insert, row}) end)
  end

  def notify(users) do
    # ruleid: cast-without-backpressure
    for user <- users, do: GenServer.cast(MyApp.Notifier, {:notify, user})
  end

  def fan_out(events) do
    events
    # ruleid: cast-without-backpressure
    |> Stream.each(&GenServer.cast(MyApp.Sink, {:event, &1}))
    |> Stream.run()
  end
end`,
      },
    ],
  },
});

/** The `for`, or the Enum/Stream iteration whose function the node is in, within the same definition. */
function enclosingLoop(node: SyntaxNode): SyntaxNode | null {
  for (let n = parentOf(node); n; n = parentOf(n)) {
    const local = localCallee(n);
    if (local === "def" || local === "defp") return null;
    if (local === "for") return n;
    const callee = remoteCallee(n);
    if (callee && ITERATORS.some(([m, f]) => callee.module === m && callee.fun === f) && isWithin(node, effectiveArguments(n).slice(1))) return n;
  }
  return null;
}

/** True when the expression changes from one iteration to the next: it uses `&1` or a variable the loop binds. */
function varies(expression: SyntaxNode, loop: SyntaxNode): boolean {
  if (expression.descendantsOfType("unary_operator").some((op) => op.text.startsWith("&"))) return true;
  const bound = new Set(loopVariables(loop));
  return expression.descendantsOfType("identifier").some((id) => bound.has(id.text));
}

/** `x` in `for x <- xs`, and the parameters of the functions given to an iteration. */
function loopVariables(loop: SyntaxNode): string[] {
  const patterns =
    localCallee(loop) === "for"
      ? callArguments(loop)
          .filter((arg) => arg.type === "binary_operator" && operatorOf(arg) === "<-")
          .map((arg) => arg.childForFieldName("left"))
      : loop.descendantsOfType("stab_clause").map((clause) => clause.childForFieldName("left"));
  return patterns.flatMap((pattern) => pattern?.descendantsOfType("identifier").map((id) => id.text) ?? []);
}
