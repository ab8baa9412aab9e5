import { definitionName, effectiveArguments, enclosingModule, isRunTimeCode, moduleDefinitions } from "../src/engine/elixir.js";
import type { SyntaxNode } from "../src/engine/parser.js";
import { defineRule, PRODUCTION_ONLY } from "../src/engine/rule.js";

const LOCAL_SPAWNS = new Set(["spawn", "spawn_link"]);

export default defineRule({
  meta: {
    id: "spawn-unsupervised",
    severity: "warning",
    summary: "A process started outside any supervisor (`spawn`, `spawn_link`, `Process.spawn`, `Task.start`)",
    guideSection: "Task.Supervisor, Not Task.async",
    principle: "Use Task.Supervisor for: production code, graceful shutdown, observability.",
    message: "This process runs outside the supervision tree: nobody restarts it, shutdown does not wait for it, and its crash is only a log line. Start it with `Task.Supervisor.start_child/2` under a named `Task.Supervisor`.",
    explanation: `
A process started with \`spawn/1,3\`, \`spawn_link/1,3\`, \`Process.spawn\` or \`Task.start/1,3\` lives
outside the supervision tree. When the application stops, nothing waits for it — half-done work
is cut off at deploy time. When it crashes, nothing notices beyond a log line. And it does not
appear where you look for your processes (\`:observer\`, LiveDashboard) under a meaningful parent.

Fire-and-forget work belongs under a \`Task.Supervisor\`:

\`\`\`elixir
# application.ex
children = [{Task.Supervisor, name: MyApp.TaskSupervisor}]

Task.Supervisor.start_child(MyApp.TaskSupervisor, fn -> send_welcome_email(user) end)
\`\`\`

For work that must not be lost when the node stops, use a persistent job queue (Oban).`,
    appliesTo: PRODUCTION_ONLY,
  },
  query: `
((call target: (identifier) @fun) @report
  (#any-of? @fun "spawn" "spawn_link"))
(call target: (dot left: (alias) @module right: (identifier) @fun)
  (#any-of? @module "Process" "Task" "Kernel")
  (#any-of? @fun "spawn" "spawn_link" "start")) @report
`,
  refine({ report, module, fun }) {
    if (!report || !isRunTimeCode(report) || isStartResult(report)) return null;
    const name = fun?.text ?? "";
    switch (module?.text) {
      case "Task":
        return name === "start" && [1, 3].includes(effectiveArguments(report).length);
      case "Process":
        return name === "spawn";
      case "Kernel":
        return LOCAL_SPAWNS.has(name);
      default:
        return !definesLocally(report, name);
    }
  },
  examples: {
    valid: [
      {
        note: "Supervised tasks.",
        code: `
defmodule MyApp.Mailer do
  def deliver_later(email) do
    Task.Supervisor.start_child(MyApp.TaskSupervisor, fn -> deliver(email) end)
  end
end`,
      },
      {
        note: "A start function a supervisor calls, a module's own function named spawn, and tests.",
        code: `
defmodule MyApp.Game do
  def spawn(monster, room), do: %{room | monsters: [monster | room.monsters]}
  def add(room), do: spawn(:orc, room)
  def start_link(fun), do: {:ok, spawn_link(__MODULE__, :loop, [fun])}
end`,
      },
      {
        path: "test/mailer_test.exs",
        code: `
test "delivers" do
  pid = spawn(fn -> receive do: (m -> m) end)
  assert Process.alive?(pid)
end`,
      },
    ],
    invalid: [
      {
        code: `
defmodule MyApp.Mailer do
  def deliver_later(email) do
    # ruleid: spawn-unsupervised
    Task.start(fn -> deliver(email) end)
  end

  def notify(users) do
    # ruleid: spawn-unsupervised
    spawn(fn -> Enum.each(users, &push/1) end)
    # ruleid: spawn-unsupervised
    spawn_link(MyApp.Audit, :record, [users])
    # ruleid: spawn-unsupervised
    Process.spawn(fn -> warm_cache() end, [:monitor])
  end
end`,
      },
    ],
  },
});

/** `{:ok, spawn_link(…)}`: a start function, whose caller — a supervisor — supervises the process (Task.Supervised does this). */
function isStartResult(call: SyntaxNode): boolean {
  const tuple = call.parent;
  return tuple?.type === "tuple" && tuple.namedChildren[0]?.text === ":ok" && tuple.namedChildren[1]?.id === call.id;
}

/** The module defines a function of that name, so the call is not Kernel's. */
function definesLocally(call: SyntaxNode, name: string): boolean {
  const module = enclosingModule(call);
  return module !== null && moduleDefinitions(module).some((def) => definitionName(def) === name);
}
