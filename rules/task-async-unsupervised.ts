import { parentOf } from "../src/engine/parents.js";
import { callArguments, effectiveArguments, isFunctionCapture, isRemoteCall, localCallee, operatorOf } from "../src/engine/elixir.js";
import type { SyntaxNode } from "../src/engine/parser.js";
import { defineRule, PRODUCTION } from "../src/engine/rule.js";
import type { FileModel, FunctionClause } from "../src/engine/semantic/file-model.js";
import { isInSpawnedFunction, isLiveView, processKind, runsInStatefulProcess } from "../src/engine/semantic/processes.js";

const AWAITS = ["await", "await_many", "yield", "yield_many", "ignore", "shutdown"];

export default defineRule({
  meta: {
    id: "task-async-unsupervised",
    severity: "warning",
    summary: "`Task.async` whose crash would take down a caller that cannot afford it: never awaited, or in a long-lived process that tries to handle the failure",
    guideSection: "Task.Supervisor, Not Task.async",
    principle: "`Task.async` spawns a linked process—if task crashes, caller crashes too. Use Task.Supervisor for production code.",
    premise:
      "The guide's red flag is `Task.async` in production *when you need error handling*. Evidence: the task is never awaited (fire-and-forget, linked to whoever started it); or the code tries to survive the task's failure — a `{:exit, _}` clause that carries on (logs, retries, falls back) instead of raising, in the function or in the helper it hands its tasks to — which a linked task never lets run; or a long-lived stateful process (a GenServer, a state machine) keeps the task and handles its `:DOWN` looking at the reason. An awaited fan-out, which should fail as a whole, is not a finding, nor is the run-with-a-timeout idiom `Task.yield || Task.shutdown`, a task whose body handles its own errors, one started inside another task, or `{:exit, _}` handling around `Task.async_stream` outside a stateful process (under `on_timeout: :kill_task` it handles timeouts). High confidence is for what the file shows whole: a task never awaited, or failure handling inside a stateful process. `{:exit, _}` handling in a request or a library function is medium, since what its callers expect is in their files; so is a process that only notes its task's end, and a LiveView, whose state a remount rebuilds.",
    messages: {
      default:
        "This task is never awaited: it is linked to the caller, so its crash takes the caller down, and nothing waits for it on shutdown. Start it with `Task.Supervisor.start_child/2` under a `Task.Supervisor`.",
      handled:
        "This task is linked to {process}: if it crashes, the process and its state go down before the failure handling here runs. Use `Task.Supervisor.async_nolink/2` and handle `{:exit, reason}` (or the `:DOWN` message).",
      linkedToProcess:
        "This task is linked to {process}: if it crashes, the process and its state go down with it. If that is not intended, use `Task.Supervisor.async_nolink/2` and handle the failure.",
      stream: "`Task.async_stream` links every task to {process}: one crash takes it and its state down, before the `{:exit, _}` handling here runs. Use `Task.Supervisor.async_stream_nolink/4`.",
    },
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
    appliesTo: PRODUCTION,
  },
  query: `
(call target: (dot left: (alias) @module right: (identifier) @fun)
  (#eq? @module "Task")
  (#any-of? @fun "async" "async_stream")) @report
`,
  refine({ report, fun }, file) {
    const { model } = file.semantics;
    const clause = model.clauseAt(report);
    if (!clause?.body || isInSpawnedFunction(report, clause) || handlesOwnErrors(report)) return null;
    const stateful = runsInStatefulProcess(model, clause);
    const process = stateful && clause.module ? processKind(clause.module) : "the calling process";
    // A LiveView rebuilds its state when the client mounts again: its crash costs a page reload, not a server's state.
    const confidence = clause.module && isLiveView(clause.module) ? "medium" : "high";
    // Code that handles `{:exit, _}` means to survive a failed task; with a link, that code never runs.
    const survives = handlesExits(clause, model);
    // A stream's `{:exit, :timeout}` is real under `on_timeout: :kill_task`: outside a stateful process,
    // the clause is timeout handling around a fan-out that should fail as a whole.
    if (fun?.text === "async_stream") return survives && stateful ? { message: "stream", values: { process }, confidence } : null;
    const arity = effectiveArguments(report).length;
    if (!(arity === 1 || arity === 3 || isFunctionCapture(report))) return null;
    if (!isAwaited(report, clause)) {
      const returned = returnsTask(report, clause);
      // Tasks handed back to a local caller that awaits them are an awaited fan-out, split in two.
      if (returned && awaitedByEveryCaller(clause, model)) return null;
      // A GenServer that keeps the task and handles its reply in handle_info awaits it by message;
      // it means to survive the task's failure only if its `:DOWN` handler looks at the reason.
      if (stateful) return handlesTaskFailure(clause) ? { message: "handled", values: { process }, confidence } : { message: "linkedToProcess", values: { process }, confidence: "medium" };
      // A task handed back to callers in other files may well be awaited there.
      return returned ? { confidence: "medium" } : { confidence: "high" };
    }
    // An awaited fan-out in a request or a library call: what its caller does on failure is in another file.
    return survives ? { message: "handled", values: { process }, confidence: stateful ? confidence : "medium" } : null;
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
        note: "An awaited fan-out inside one request: if one part fails, the request fails as a whole, which is what it should do. The same with a timeout, and with `async_stream`, whose `{:exit, :timeout}` is real under `on_timeout: :kill_task`.",
        code: `
defmodule MyAppWeb.DashboardController do
  def show(conn, %{"id" => id}) do
    orders = Task.async(fn -> Orders.recent(id) end)
    stats = Task.async(Stats, :for_user, [id])
    render(conn, :show, orders: Task.await(orders), stats: Task.await(stats, 10_000))
  end

  def prices(items) do
    items |> Task.async_stream(&Pricing.quote/1, max_concurrency: 8) |> Enum.map(fn {:ok, price} -> price end)
  end

  def import_all(batches, opts) do
    batches
    |> Task.async_stream(&insert_batch(&1, opts), timeout: opts[:timeout], on_timeout: :kill_task)
    |> Enum.map(fn
      {:ok, result} -> result
      {:exit, :timeout} -> {:error, :timeout}
    end)
  end

  def status(checks) do
    checks |> Enum.map(&Task.async/1) |> Task.yield_many(2_000) |> Enum.map(fn {task, res} -> res || Task.shutdown(task, :brutal_kill) end)
  end
end`,
      },
      {
        note: "The run-with-a-timeout idiom (`Task.yield || Task.shutdown`), a task handed to a helper that awaits it, and `{:exit, _}` clauses that raise again: failing together is what the code wants.",
        code: `
defmodule MyApp.Search do
  def search(query) do
    slow = Task.async(fn -> Slow.search(query) end)
    fast = Fast.search(query)
    fast ++ await_or_empty(slow)
  end

  defp await_or_empty(task) do
    case Task.yield(task, 5_000) || Task.shutdown(task) do
      {:ok, results} -> results
      nil -> []
    end
  end

  def metrics(sources) do
    sources
    |> Enum.map(&Task.async(fn -> fetch(&1) end))
    |> Task.yield_many(10_000)
    |> Enum.map(fn
      {_task, {:ok, value}} -> value
      {_task, {:exit, reason}} -> raise "metric failed: #{inspect(reason)}"
    end)
  end
end`,
      },
      {
        note: "A server's private helper that returns a task, every caller of which awaits it: an awaited fan-out split in two.",
        code: `
defmodule MyApp.Migrator do
  use GenServer

  def handle_info(:migrate_batch, state) do
    state.batches |> Enum.map(&run_task/1) |> Task.await_many(:infinity)
    {:noreply, state}
  end

  defp run_task(batch), do: Task.async(fn -> update_batch(batch) end)
end`,
      },
      {
        note: "A task body that handles its own errors, and a task started inside another process's function (a LiveView's `start_async`).",
        code: `
defmodule MyAppWeb.ClusterLive do
  use MyAppWeb, :live_view

  def handle_event("check", _params, socket) do
    {:noreply, start_async(socket, :check, fn -> nodes() |> Enum.map(&Task.async(fn -> ping(&1) end)) |> Task.await_many() end)}
  end

  def handle_info(:refresh, socket) do
    task = Task.async(fn ->
      try do
        refresh!()
      rescue
        error -> {:error, error}
      end
    end)
    {:noreply, assign(socket, refresh: task)}
  end
end`,
      },
      {
        note: "Tests and scripts may crash together with their tasks.",
        path: "test/my_app/fetcher_test.exs",
        code: `
test "fetches in parallel" do
  Task.async(fn -> MyApp.Fetcher.fetch("a") end)
end`,
      },
    ],
    invalid: [
      {
        note: "A body that rescues only to report and raise again does not handle its failure: never awaited, the task still takes the job down with it.",
        code: `
defmodule MyApp.Workers.Transcode do
  def perform(job) do
    owner = self()
    # ruleid: task-async-unsupervised
    Task.async(fn ->
      try do
        send(owner, {:done, Media.transcode(job)})
      rescue
        error ->
          send(owner, {:error, error})
          reraise error, __STACKTRACE__
      end
    end)
    receive do
      {:done, result} -> {:ok, result}
      {:error, error} -> {:error, error}
    end
  end
end`,
      },
      {
        note: "Never awaited: a fire-and-forget task linked to the request that started it.",
        code: `
defmodule MyAppWeb.EventController do
  def create(conn, params) do
    # ruleid: task-async-unsupervised
    Task.async(fn -> Analytics.track(params) end)
    send_resp(conn, 202, "")
  end
end`,
      },
      {
        note: "Failure handling that never runs: `{:exit, _}` clauses that carry on after a linked task. In a plain function, whether its callers can afford the crash is in their files (medium confidence).",
        code: `
defmodule MyApp.Counters do
  def fetch_all(address) do
    # ruleid: task-async-unsupervised (medium)
    tasks = [Task.async(fn -> count_transactions(address) end), Task.async(fn -> count_transfers(address) end)]
    tasks
    |> Task.yield_many(:timer.seconds(30))
    |> Enum.map(fn
      {_task, {:ok, count}} -> count
      {_task, {:exit, _reason}} -> cached_count(address)
      {task, nil} -> Task.shutdown(task) && cached_count(address)
    end)
  end
end`,
      },
      {
        note: "A LiveView that awaits its task by message: a crash takes the page down with it, which a remount rebuilds (medium confidence).",
        code: `
defmodule MyAppWeb.ImportLive do
  use MyAppWeb, :live_view

  def handle_event("import", %{"file" => file}, socket) do
    # ruleid: task-async-unsupervised (medium)
    task = Task.async(fn -> Importer.run(file) end)
    {:noreply, assign(socket, task: task)}
  end

  def handle_info({ref, result}, socket) when is_reference(ref) do
    Process.demonitor(ref, [:flush])
    {:noreply, assign(socket, task: nil, result: result)}
  end
end`,
      },
      {
        note: "A GenServer that means to survive its task (it handles `:DOWN`), but the link kills it first; and a state machine whose `{:exit, _}` clauses never see a crash.",
        code: `
defmodule MyApp.Importer do
  use GenServer

  def handle_call({:import, file}, _from, state) do
    # ruleid: task-async-unsupervised
    task = Task.async(fn -> Import.run(file) end)
    {:reply, :started, %{state | task: task}}
  end

  def handle_info({:DOWN, _ref, :process, _pid, reason}, state), do: {:noreply, %{state | task: nil, error: reason}}

  def handle_info(event, state) do
    # ruleid: task-async-unsupervised
    Task.async(fn -> Hooks.run(event) end) |> Task.await(15_000)
  catch
    :exit, {:timeout, _} ->
      Logger.error("hook timed out")
      {:noreply, state}
  end

  def handle_cast({:refresh, ids}, state) do
    results =
      ids
      # ruleid: task-async-unsupervised
      |> Task.async_stream(&fetch/1)
      |> Enum.map(fn
        {:ok, value} -> value
        {:exit, _reason} -> nil
      end)
    {:noreply, %{state | results: results}}
  end
end`,
      },
      {
        note: "A server that keeps its task and only notes that it ended (the reason ignored): the link still takes its state down with a crash, but the code shows no wish to survive one (medium confidence).",
        code: `
defmodule MyApp.Pager do
  use GenServer

  def handle_cast(:next, state) do
    # ruleid: task-async-unsupervised (medium)
    task = Task.async(fn -> fetch_page(state.page) end)
    {:noreply, %{state | tasks: MapSet.put(state.tasks, task.ref)}}
  end

  def handle_info({ref, result}, state) when is_reference(ref), do: {:noreply, store(state, ref, result)}
  def handle_info({:DOWN, _ref, :process, _pid, _reason}, state), do: {:noreply, state}
end`,
      },
    ],
  },
});

/**
 * `t = Task.async(…)` then `Task.await(t)`, `Task.async(…) |> Task.await()`, a list of tasks
 * awaited together, or tasks handed to a local helper that awaits them (`await_task(t)`).
 */
function isAwaited(async: SyntaxNode, clause: FunctionClause): boolean {
  const awaits = clause.body!.descendantsOfType("call").filter((call) => isRemoteCall(call, "Task", AWAITS));
  for (let n: SyntaxNode | null = async; n && n.id !== clause.body!.id; n = parentOf(n)) {
    if (awaits.some((a) => a.startIndex <= n!.startIndex && n!.endIndex <= a.endIndex)) return true;
    const parent = parentOf(n);
    if (parent?.type === "binary_operator" && operatorOf(parent) === "|>" && parent.childForFieldName("left")?.id === n.id) {
      const right = parent.childForFieldName("right");
      if (right && isRemoteCall(right, "Task", AWAITS)) return true;
    }
    if (parent?.type === "binary_operator" && operatorOf(parent) === "=") {
      const left = parent.childForFieldName("left");
      const names = !left ? [] : left.type === "identifier" ? [left.text] : left.descendantsOfType("identifier").map((id) => id.text);
      return awaits.some((a) => a.text.match(/\w+/g)?.some((word) => names.includes(word))) || names.some((name) => usedInAwaitPipeline(clause.body!, name)) || handedToAwaitingHelper(names, clause);
    }
  }
  return false;
}

/** A local function that receives one of `names` and awaits it: `await_task_with_paging(task)`. */
function handedToAwaitingHelper(names: readonly string[], clause: FunctionClause): boolean {
  return clause.localCallSites.some(
    (site) =>
      callArguments(site.node).some((arg) => names.includes(arg.text)) &&
      (clause.module?.functions.get(site.name) ?? []).some((helper) => helper.body?.descendantsOfType("call").some((call) => isRemoteCall(call, "Task", AWAITS))),
  );
}

/** `tasks |> Task.await_many()` written across lines, or `Enum.map(tasks, &Task.await/1)`. */
function usedInAwaitPipeline(body: SyntaxNode, name: string): boolean {
  return new RegExp(`\\b${name}\\b[\\s\\S]*?Task\\.(await|yield)`).test(body.text);
}

/** Every caller of the function in this file awaits what it returns (`Enum.map(&run_task/1) |> Task.await_many()`). */
function awaitedByEveryCaller(clause: FunctionClause, model: FileModel): boolean {
  const callers = model.callersOf(clause.module, clause.name);
  return callers.length > 0 && callers.every((caller) => /Task\.(await|yield)/.test(caller.body?.text ?? ""));
}

/** The task is what the function returns: its caller awaits it (or not); not decidable here. */
function returnsTask(async: SyntaxNode, clause: FunctionClause): boolean {
  const body = clause.body!;
  const statements = body.type === "do_block" || body.type === "block" ? body.namedChildren : [body];
  const last = statements.at(-1);
  return last !== undefined && last.startIndex <= async.startIndex && async.endIndex <= last.endIndex;
}

/** `fn -> try do … rescue … end end`: the task's body catches its own errors — and does not raise them again. */
function handlesOwnErrors(async: SyntaxNode): boolean {
  const fn = callArguments(async).find((arg) => arg.type === "anonymous_function");
  if (!fn) return false;
  return fn.descendantsOfType("call").some((call) => localCallee(call) === "try" && /\b(rescue|catch)\b/.test(call.text) && !/\b(reraise|raise|exit|throw)\b/.test(handlers(call)));
}

/** The text of a `try`'s `rescue` and `catch` blocks. */
function handlers(tryCall: SyntaxNode): string {
  const block = tryCall.namedChildren.find((c) => c.type === "do_block");
  return (block?.namedChildren ?? [])
    .filter((c) => c.type === "rescue_block" || c.type === "catch_block")
    .map((c) => c.text)
    .join("\n");
}

/**
 * A `{:exit, reason} ->` clause (or a `catch :exit, reason ->`) that carries on (logs, retries, falls back) rather than raising
 * again: in the function, or in a local helper it hands its tasks to. A bare
 * `Task.yield(t, ms) || Task.shutdown(t)` is the run-with-a-timeout idiom, not failure handling.
 */
function handlesExits(clause: FunctionClause, model: FileModel): boolean {
  const survivesIn = (body: SyntaxNode | undefined) =>
    body?.descendantsOfType("stab_clause").some((stab) => {
      // `{:exit, reason}`, also inside `{task, {:exit, reason}}` from `yield_many`; or `catch :exit, reason ->` around the await.
      const pattern = stab.childForFieldName("left");
      const caught = parentOf(stab)?.type === "catch_block" && pattern?.namedChildren[0]?.text === ":exit";
      if (!caught && !pattern?.descendantsOfType("tuple").some((tuple) => tuple.namedChildren[0]?.text === ":exit")) return false;
      const handler = stab.childForFieldName("right");
      return !handler?.descendantsOfType("call").some((call) => ["raise", "reraise", "exit", "throw"].includes(localCallee(call) ?? ""));
    }) ?? false;
  if (survivesIn(clause.body)) return true;
  return [...clause.localCalls].some((name) => model.functionsNamed(clause.module, name).some((helper) => helper.body?.text.includes(":exit") && survivesIn(helper.body)));
}

/**
 * The module's `handle_info` takes a task's `:DOWN` and looks at why it ended: a bound reason
 * (`{:DOWN, ref, :process, _pid, reason}`) or one other than `:normal`. A clause that ignores the
 * reason only notes that the task finished, the usual companion of its `{ref, result}` reply.
 */
function handlesTaskFailure(clause: FunctionClause): boolean {
  const handlers = clause.module?.functions.get("handle_info") ?? [];
  return handlers.some((handler) =>
    handler.parameters[0]?.descendantsOfType("tuple").some((tuple) => {
      const [tag, , , , reason] = tuple.namedChildren;
      return tag?.text === ":DOWN" && reason !== undefined && !/^(_\w*|:normal)$/.test(reason.text);
    }),
  );
}
