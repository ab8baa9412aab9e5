import { parentOf } from "../src/engine/parents.js";
import { keywordKey, localCallee, remoteCallee } from "../src/engine/elixir.js";
import type { SyntaxNode } from "../src/engine/parser.js";
import { defineRule, PRODUCTION } from "../src/engine/rule.js";

const SUPERVISING_MODULES = new Set(["Supervisor", "DynamicSupervisor", "PartitionSupervisor", "Broadway"]);
/** Options that travel with `max_restarts` in supervisor options, wherever the list is built. */
const SIBLING_OPTIONS = new Set(["strategy", "max_seconds"]);

export default defineRule({
  meta: {
    id: "restart-intensity",
    severity: "warning",
    summary: "A supervisor allowed so many restarts that a crash loop hammers what its children depend on",
    guideSection: "Supervision Strategies Encode Dependencies",
    principle: "Use `:max_restarts` and `:max_seconds` to prevent restart loops. Handle expected failures in the producer; reserve max_restarts for unexpected bugs.",
    premise:
      "The guide: use `:max_restarts` and `:max_seconds` to prevent restart loops; handle expected failures in the process and reserve restarts for unexpected bugs. Evidence: a supervisor's `max_restarts` at or above the threshold (100 by default), with no reason written right above or beside it.",
    messages: {
      default:
        "A restart intensity this high turns a crash loop into a storm: the children restart again and again against the database or service that made them fail. Keep the default (3 in 5 s) and handle expected failures (connection loss, rate limits) in the process.",
      value: "`max_restarts: {value}` turns a crash loop into a storm against whatever the children depend on. Keep the default (3 in 5 s) and handle expected failures in the process.",
    },
    explanation: `
\`max_restarts\` and \`max_seconds\` say how many crashes a supervisor tolerates before it gives up and
fails itself, escalating to its parent. The default — 3 restarts in 5 seconds — is a circuit
breaker: a child that cannot start is not retried forever.

\`\`\`elixir
# keep the default intensity; reconnect with backoff inside the process instead
Supervisor.init(children, strategy: :one_for_one)
\`\`\`

Raising it far (\`max_restarts: 1_000\`) usually papers over an expected failure: a database that
is down, an API that rate-limits. Each restart then reconnects at full speed, hammering the
service that is already struggling, filling logs, and hiding the outage from the supervisor
above, which would have restarted the subtree more slowly or let the node report it.

Handle expected failures where they happen — reconnect with backoff in the process, or let a
library do it (DBConnection, Broadway producers) — and keep restarts for unexpected bugs.`,
    appliesTo: PRODUCTION,
    runsOn: "anywhere",
    quietWhenExplained: true,
  },
  options: {
    max_restarts: { default: 100, description: "the number of restarts from which the rule speaks" },
  },
  query: `
(pair key: (keyword) @key value: (integer) @value
  (#match? @key "^max_restarts:")) @report
`,
  refine({ report, value }, _file, options) {
    const restarts = Number(value?.text.replaceAll("_", ""));
    if (!report || !(restarts >= options.max_restarts)) return null;
    return isSupervisorOption(report) ? { message: "value", values: { value: value!.text } } : null;
  },
  examples: {
    valid: [
      {
        note: "A reason written beside the setting.",
        code: `
defmodule MyApp.Application do
  def start(_, _) do
    # Tenants connect on demand and a region outage restarts hundreds of them at once:
    # the default intensity would take the whole node down with one region.
    Supervisor.start_link(children(), strategy: :one_for_one, max_restarts: 1_000)
  end
end`,
      },
      {
        note: "Tests of restart behaviour may restart as often as they like.",
        path: "test/supervisor_test.exs",
        code: `
test "restarts" do
  {:ok, sup} = DynamicSupervisor.start_link(strategy: :one_for_one, max_restarts: 100_000)
end`,
      },
      {
        note: "The defaults, and small values.",
        code: `
defmodule MyApp.Supervisor do
  def init(children), do: Supervisor.init(children, strategy: :one_for_one, max_restarts: 10, max_seconds: 60)
  def cache_opts, do: [max_restarts: 1_000, ttl: 60]
end`,
      },
      {
        note: "A policy may raise the threshold.",
        options: { max_restarts: 500 },
        code: `
defmodule MyApp.Supervisor do
  def init(children), do: Supervisor.init(children, strategy: :one_for_one, max_restarts: 200)
end`,
      },
    ],
    invalid: [
      {
        code: `
defmodule MyApp.Supervisor do
  def init(children) do
    # ruleid: restart-intensity
    Supervisor.init(children, strategy: :one_for_one, max_restarts: 1_000)
  end

  def start_link(_) do
    # ruleid: restart-intensity
    opts = [strategy: :one_for_one, max_restarts: 100]
    DynamicSupervisor.start_link(opts)
  end
end`,
      },
      {
        note: "A policy may lower the threshold.",
        options: { max_restarts: 20 },
        code: `
defmodule MyApp.Pipeline do
  def start_link(_) do
    # ruleid: restart-intensity
    Broadway.start_link(__MODULE__, name: __MODULE__, producer: [module: {BroadwaySQS.Producer, []}], max_restarts: 50)
  end
end`,
      },
    ],
  },
});

/** Inside a Supervisor/DynamicSupervisor/Broadway call or `use`, or beside `strategy:`/`max_seconds:`. */
function isSupervisorOption(pair: SyntaxNode): boolean {
  const siblings = parentOf(pair)?.namedChildren ?? [];
  if (siblings.some((p) => p.type === "pair" && SIBLING_OPTIONS.has(keywordKey(p) ?? ""))) return true;
  for (let n = parentOf(pair); n; n = parentOf(n)) {
    if (n.type !== "call") continue;
    const callee = remoteCallee(n);
    if (callee) return SUPERVISING_MODULES.has(callee.module);
    if (localCallee(n) === "use") return SUPERVISING_MODULES.has(n.namedChildren.find((c) => c.type === "arguments")?.namedChildren[0]?.text ?? "");
    return false;
  }
  return false;
}
