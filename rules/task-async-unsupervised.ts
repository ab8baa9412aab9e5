import { effectiveArguments, isFunctionCapture, isRunTimeCode } from "../src/engine/elixir.js";
import { defineRule, PRODUCTION_ONLY } from "../src/engine/rule.js";

export default defineRule({
  meta: {
    id: "task-async-unsupervised",
    severity: "warning",
    summary: "`Task.async` or `Task.async_stream` in production code",
    guideSection: "Task.Supervisor, Not Task.async",
    principle: "`Task.async` spawns a linked process—if task crashes, caller crashes too. Use Task.Supervisor for production code.",
    message: "`Task.async` links an unsupervised task to this process: if the task crashes, so does the caller. Use `Task.Supervisor.async_nolink/2` under a named `Task.Supervisor`.",
    explanation: `
\`Task.async/1,3\` and \`Task.async_stream\` start tasks **linked** to the caller and outside any
supervision tree. If one task crashes, the exit signal takes the caller down with it — a request
process, a GenServer and all its state — and no \`try\`/\`rescue\` can stop it. On shutdown, nothing
waits for these tasks to finish.

In production code, start tasks under a \`Task.Supervisor\` in your supervision tree:

\`\`\`elixir
# application.ex
children = [{Task.Supervisor, name: MyApp.TaskSupervisor}]

# the caller survives the task's crash and decides what to do
task = Task.Supervisor.async_nolink(MyApp.TaskSupervisor, fn -> fetch(url) end)

case Task.yield(task, 5_000) || Task.shutdown(task) do
  {:ok, result} -> {:ok, result}
  {:exit, reason} -> {:error, reason}
  nil -> {:error, :timeout}
end
\`\`\`

and \`Task.Supervisor.async_stream_nolink/4\` in place of \`Task.async_stream\`. \`Task.async\` is
fine for scripts, tests and quick experiments, where crashing together is acceptable — those
files are not flagged.`,
    appliesTo: PRODUCTION_ONLY,
  },
  query: `
(call target: (dot left: (alias) @module right: (identifier) @fun)
  (#eq? @module "Task")
  (#any-of? @fun "async" "async_stream")) @report
`,
  refine({ report, fun }) {
    if (!report || !isRunTimeCode(report)) return null;
    if (fun?.text === "async_stream") {
      return { message: "`Task.async_stream` links every task to this process: one crash takes the caller down. Use `Task.Supervisor.async_stream_nolink/4` under a named `Task.Supervisor`." };
    }
    const arity = effectiveArguments(report).length;
    return arity === 1 || arity === 3 || isFunctionCapture(report);
  },
  examples: {
    valid: [
      {
        note: "A supervised task whose crash the caller survives.",
        code: `
defmodule MyApp.Fetcher do
  def fetch(url) do
    task = Task.Supervisor.async_nolink(MyApp.TaskSupervisor, fn -> Req.get!(url) end)
    Task.yield(task, 5_000) || Task.shutdown(task)
  end
end`,
      },
      {
        note: "Tests and scripts may crash together with their tasks.",
        path: "test/my_app/fetcher_test.exs",
        code: `
test "fetches in parallel" do
  tasks = Enum.map(urls(), &Task.async(fn -> MyApp.Fetcher.fetch(&1) end))
  assert length(Task.await_many(tasks)) == 3
end`,
      },
      {
        note: "Mentioned in documentation, not called.",
        code: `
defmodule MyApp.Docs do
  @moduledoc """
  Never call Task.async(fn -> work() end) here.
  """
end`,
      },
    ],
    invalid: [
      {
        code: `
defmodule MyApp.Dashboard do
  def load(user) do
    # ruleid: task-async-unsupervised
    orders = Task.async(fn -> Orders.recent(user) end)
    # ruleid: task-async-unsupervised
    stats = Task.async(Stats, :for_user, [user])
    {Task.await(orders), Task.await(stats)}
  end

  def prices(items) do
    items
    # ruleid: task-async-unsupervised
    |> Task.async_stream(&Pricing.quote/1, max_concurrency: 8)
    |> Enum.map(fn {:ok, price} -> price end)
  end
end`,
      },
    ],
  },
});
