import { parentOf } from "../src/engine/parents.js";
import {
  assignments,
  callArguments,
  definitionBody,
  definitionName,
  effectiveArguments,
  enclosingDefinition,
  enclosingModule,
  identifierUses,
  isRemoteCall,
  localCallee,
  moduleDefinitions,
  operatorOf,
  remoteCallee,
} from "../src/engine/elixir.js";
import type { SyntaxNode } from "../src/engine/parser.js";
import { defineRule, PRODUCTION } from "../src/engine/rule.js";
import type { ModuleInfo } from "../src/engine/semantic/file-model.js";
import { isSpawningCall } from "../src/engine/semantic/processes.js";

const LOCAL_SPAWNS = new Set(["spawn", "spawn_link"]);

export default defineRule({
  meta: {
    id: "spawn-unsupervised",
    severity: "warning",
    summary: "A process started outside any supervisor (`spawn`, `spawn_link`, `Process.spawn`, `Task.start`)",
    guideSection: "Task.Supervisor, Not Task.async",
    principle: "Use Task.Supervisor for: production code, graceful shutdown, observability.",
    premise:
      "The guide: use Task.Supervisor for production code, graceful shutdown, observability. Evidence: work started with `spawn`/`Task.start` whose process nobody watches — not a start function's result, not monitored or trapped by its owner, not killed by it when done, not a helper whose only work is stopping another process, nor one whose result the spawner waits to receive — and with no comment right above saying why it lives outside the tree. A process that only logs, or that stops the node, is not a finding. A fire-and-forget process (its pid unused) doing several steps is high confidence; one whose pid the code keeps and manages, whose function handles and logs its own failure, or whose work is one call into another module, perhaps after a sleep (a broadcast, a cache reload, a delayed message: what it does is in the callee's file), is medium.",
    messages: {
      default:
        "This process runs outside the supervision tree: shutdown does not wait for it and its crash is only a log line. Start it with `Task.Supervisor.start_child/2` under a `Task.Supervisor` (or an Oban job, if the work must survive a restart).",
      managed:
        "This process is managed by pid outside the supervision tree: shutdown does not wait for it. If it must finish its work, start it under a `Task.Supervisor` and end it with a `{:shutdown, reason}` exit.",
    },
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
    appliesTo: PRODUCTION,
    quietWhenExplained: true,
  },
  query: `
((call target: (identifier) @fun) @report
  (#any-of? @fun "spawn" "spawn_link"))
(call target: (dot left: (alias) @module right: (identifier) @fun)
  (#any-of? @module "Process" "Task" "Kernel")
  (#any-of? @fun "spawn" "spawn_link" "start")) @report
`,
  refine({ report, module, fun }, file) {
    const clause = file.semantics.model.clauseAt(report);
    const definedHere = (name: string) => clause?.module?.functions.has(name) ?? false;
    if (!isProcessStart(report, module?.text, fun?.text ?? "", definedHere) || isStartResult(report) || isWatched(report)) return null;
    const body = enclosingBody(report);
    const work = spawnedWork(report);
    // A process that only logs has nothing to lose half-done; one that stops the node is the shutdown itself.
    if (onlyLogs(work) || haltsTheNode(report, clause?.module)) return null;
    if ((fun?.text === "spawn_link" && trapsExits(report)) || hasBoundedLife(report) || onlyStopsProcesses(report) || isAwaitedBySpawner(report, body)) return null;
    // A linked process dies with its owner and crashes it: its life is the owner's, short of a clean shutdown.
    const linked = fun?.text === "spawn_link";
    if (boundNames(report, body).length > 0 || linked) return { message: "managed", confidence: "medium" };
    // Best-effort work that logs its own failure: the author weighed losing it. One call into another
    // module (a broadcast, a cache reload) may be a harmless side effect or a write that must happen:
    // what it does is in the callee's file.
    return handlesOwnFailure(report) || isOneRemoteCall(work) ? { confidence: "medium" } : { confidence: "high" };
  },
  examples: {
    valid: [
      {
        note: "A choice explained right where it is made; a linked helper of a process that traps exits; helpers whose life is bounded: one that only stops another process, one whose result the spawner waits for, one that waits for one thing with a deadline.",
        code: `
defmodule MyApp.Slack do
  def notify(message) do
    # We don't care if this succeeds or fails: Slack is best effort, and the message is in the database.
    Task.start(fn -> Slack.post(message) end)
  end

  def init(_) do
    Process.flag(:trap_exit, true)
    sink = spawn_link(&sink_loop/0)
    {:ok, %{sink: sink}}
  end

  def stop_async(conn) do
    Process.unlink(conn)
    spawn(fn ->
      try do
        GenServer.stop(conn, :normal, 5_000)
      catch
        :exit, _ -> Process.exit(conn, :kill)
      end
    end)
    :ok
  end

  def with_stdin(device, fun) do
    caller = self()
    spawn(fn ->
      Process.group_leader(self(), device)
      send(caller, {:result, fun.()})
    end)
    receive do
      {:result, result} -> result
    end
  end

  def stop_later(pid) do
    spawn(fn ->
      ref = Process.monitor(pid)
      receive do
        {:DOWN, ^ref, _, _, _} -> :ok
      after
        5_000 -> Process.exit(pid, :kill)
      end
    end)
  end
end`,
      },
      {
        note: "A process that stops the node is the shutdown itself: there is no tree left to supervise it.",
        code: `
defmodule MyApp.OS do
  def shutdown, do: spawn(&halt/0)

  defp halt do
    Process.sleep(100)
    System.halt(0)
  end
end`,
      },
      {
        note: "A process that only writes a log line has nothing to lose half-done.",
        code: `
defmodule MyAppWeb.Plug.Logger do
  def call(conn, level) do
    metadata = Logger.metadata()
    Task.start(fn ->
      Logger.metadata(metadata)
      Logger.log(level, "#{conn.method} #{conn.request_path} -> #{conn.status}")
    end)
    conn
  end
end`,
      },
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
        note: "Processes someone watches: a pool the spawner monitors and waits for (Elixir's parallel compiler), and a watchdog that monitors its spawner (Elixir's `Task` shutdown enforcer).",
        code: `
defmodule MyApp.Writer do
  def write_all(files) do
    pool = for _ <- 1..4, do: spawn_link(fn -> write_loop() end)
    refs = for pid <- pool, do: Process.monitor(pid)
    for ref <- refs, do: (receive do: ({:DOWN, ^ref, _, _, _} -> :ok))
    files
  end

  def kill_on_exit(pid) do
    caller = self()
    enforcer = spawn(fn -> enforce(pid, caller) end)
    send(enforcer, :armed)
  end

  defp enforce(pid, caller) do
    ref = Process.monitor(caller)
    receive do: ({:DOWN, ^ref, _, _, _} -> Process.exit(pid, :kill))
  end
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
    # ruleid: spawn-unsupervised (medium)
    spawn_link(MyApp.Audit, :record, [users])
    # ruleid: spawn-unsupervised
    Process.spawn(fn -> warm_cache() end, [:monitor])
  end
end`,
      },
      {
        note: "One call into another module, a broadcast or a cache reload, may be a harmless best-effort side effect or a write that must happen: what it does is in the callee's file (medium confidence). Several steps that must all happen are high.",
        code: `
defmodule MyApp.Flags.Notifications do
  def publish_change(flag) do
    Logger.debug("publishing a change of #{flag}")
    # ruleid: spawn-unsupervised (medium)
    Task.start(fn -> Phoenix.PubSub.broadcast(MyApp.PubSub, "flags", {:changed, flag}) end)
  end

  def handle_info({:changed, flag}, state) do
    # ruleid: spawn-unsupervised (medium)
    Task.start(MyApp.Flags.Store, :reload, [flag])
    {:noreply, state}
  end

  def mute(host, user) do
    # ruleid: spawn-unsupervised (medium)
    spawn(fn ->
      :timer.sleep(500)
      MyApp.Chat.send_to_host(host, "!mute #{user}")
    end)
  end

  def handle_cast({:fetch, address}, state) do
    # ruleid: spawn-unsupervised
    Task.start(fn ->
      result = MyApp.Chain.find_creator(address)
      GenServer.cast(__MODULE__, {:fetch_result, address, result})
    end)
    {:noreply, state}
  end
end`,
      },
    ],
  },
});

/** A call that starts a process: not a module's own function that happens to be named `spawn`. */
function isProcessStart(report: SyntaxNode, module: string | undefined, name: string, definedHere: (name: string) => boolean): boolean {
  switch (module) {
    case "Task":
      return name === "start" && [1, 3].includes(effectiveArguments(report).length);
    case "Process":
      return name === "spawn";
    case "Kernel":
      return LOCAL_SPAWNS.has(name);
    default:
      return !definedHere(name);
  }
}

/**
 * What the new process runs: the statements of `fn -> … end`, or one call into another module for
 * `Task.start(Mod, :fun, args)`, `spawn(Mod, :fun, args)` and `Task.start(&Mod.fun/0)`. Null when it
 * is a local function or a variable, whose body is elsewhere.
 */
type SpawnedWork = { statements: SyntaxNode[] } | "one remote call" | null;

function spawnedWork(call: SyntaxNode): SpawnedWork {
  const args = effectiveArguments(call);
  const [first] = args;
  if (!first) return null;
  if (args.length === 3 && first.type === "alias") return "one remote call";
  if (first.type === "unary_operator" && operatorOf(first) === "&") return capturesRemote(first) ? "one remote call" : null;
  if (first.type !== "anonymous_function") return null;
  const clauses = first.namedChildren.filter((c) => c.type === "stab_clause");
  if (clauses.length !== 1) return null;
  const body = clauses[0]!.childForFieldName("right");
  return { statements: body ? body.namedChildren.filter((c) => c.type !== "comment") : [] };
}

/** `&Mod.fun/0`: the captured function is another module's. */
function capturesRemote(capture: SyntaxNode): boolean {
  const target = capture.namedChildren[0];
  const callTarget = target?.type === "binary_operator" ? target.childForFieldName("left") : target;
  return callTarget?.type === "call" && remoteCallee(callTarget) !== null;
}

function onlyLogs(work: SpawnedWork): boolean {
  return typeof work === "object" && work !== null && work.statements.length > 0 && work.statements.every(isLogging);
}

function isLogging(statement: SyntaxNode): boolean {
  return statement.type === "call" && remoteCallee(statement)?.module === "Logger";
}

/** `:timer.sleep(500)` before a delayed message: waiting, not work. */
function isSleep(statement: SyntaxNode): boolean {
  return isRemoteCall(statement, ":timer", ["sleep"]) || isRemoteCall(statement, "Process", ["sleep"]);
}

const HALTS = [
  ["System", ["halt", "stop"]],
  [":init", ["stop"]],
  [":erlang", ["halt"]],
] as const;

/** `spawn(&halt/0)` where `halt/0` ends in `System.halt(0)`: the process stops the node; there is no tree left to supervise it. */
function haltsTheNode(call: SyntaxNode, module: ModuleInfo | undefined): boolean {
  const spawned = effectiveArguments(call)[0];
  if (!spawned) return false;
  const captured = spawned.type === "unary_operator" ? spawned.namedChildren[0]?.childForFieldName("left") : null;
  const local = captured?.type === "identifier" ? captured.text : captured ? localCallee(captured) : null;
  const code = local ? (module?.functions.get(local) ?? []).flatMap((clause) => (clause.body ? [clause.body] : [])) : spawned.type === "anonymous_function" ? [spawned] : [];
  return code.some((body) => body.descendantsOfType("call").some((c) => HALTS.some(([module, funs]) => isRemoteCall(c, module, funs))));
}

/** One call into another module (`Phoenix.PubSub.broadcast(…)`, `Store.reload(name)`), after a delay perhaps, and nothing else but logging. */
function isOneRemoteCall(work: SpawnedWork): boolean {
  if (work === "one remote call") return true;
  if (!work) return false;
  const statements = work.statements.filter((statement) => !isLogging(statement) && !isSleep(statement));
  const [only] = statements;
  if (statements.length !== 1 || only!.type !== "call" || remoteCallee(only!) === null) return false;
  // `Enum.each(users, &push/1)`: the work is the function handed over, not the call.
  const handsOverWork = callArguments(only!).some((arg) => arg.type === "anonymous_function" || (arg.type === "unary_operator" && operatorOf(arg) === "&"));
  return !handsOverWork && !isSpawningCall(only!);
}

/** The module traps exits: the owner outlives and watches the processes it links to. */
function trapsExits(call: SyntaxNode): boolean {
  const module = enclosingModule(call);
  return module !== null && /:trap_exit,\s*true/.test(module.text);
}

/** The spawned function handles its failure itself: a `rescue`, or a `case` on an `{:error, _}` result that it logs. */
function handlesOwnFailure(call: SyntaxNode): boolean {
  const spawned = effectiveArguments(call)[0];
  return spawned?.type === "anonymous_function" && /\brescue\b|\{:error,[^}]*\}\s*->[\s\S]*Logger\./.test(spawned.text);
}

/** `spawn(fn -> … receive do … after 5_000 -> … end end)`: a helper that waits for one thing, with a deadline, then ends. */
function hasBoundedLife(call: SyntaxNode): boolean {
  const spawned = effectiveArguments(call)[0];
  return spawned?.type === "anonymous_function" && spawned.descendantsOfType("after_block").length > 0;
}

/** Calls that end another process: a helper spawned to run them ends when they return (each has its own timeout). */
const STOPS = new Set(["GenServer.stop", "Supervisor.stop", "DynamicSupervisor.terminate_child", "Supervisor.terminate_child", "Process.exit", "Task.shutdown", ":gen.stop", ":proc_lib.stop"]);

/** `spawn(fn -> GenServer.stop(conn, :normal, 5_000) end)`: a helper whose only work is ending another process, so the caller need not wait. */
function onlyStopsProcesses(call: SyntaxNode): boolean {
  const spawned = effectiveArguments(call)[0];
  if (spawned?.type !== "anonymous_function") return false;
  return spawned.descendantsOfType("call").some((c) => {
    const callee = remoteCallee(c);
    return callee !== null && STOPS.has(`${callee.module}.${callee.fun}`);
  });
}

/** `caller = self(); spawn(fn -> send(caller, {:result, run()}) end); receive do {:result, r} -> r end`: the spawner waits for its helper. */
function isAwaitedBySpawner(call: SyntaxNode, body: SyntaxNode): boolean {
  const spawned = effectiveArguments(call)[0];
  if (spawned?.type !== "anonymous_function") return false;
  const callers = assignments(body)
    .filter(([, right]) => right.text === "self()")
    .map(([left]) => left.text);
  const reportsBack = spawned.descendantsOfType("call").some((c) => localCallee(c) === "send" && callers.includes(effectiveArguments(c)[0]?.text ?? ""));
  return reportsBack && body.descendantsOfType("call").some((c) => localCallee(c) === "receive" && c.startIndex > call.endIndex);
}

function enclosingBody(call: SyntaxNode): SyntaxNode {
  const def = enclosingDefinition(call);
  return (def ? definitionBody(def) : undefined) ?? call;
}

/** `{:ok, spawn_link(…)}`: a start function, whose caller — a supervisor — supervises the process (Task.Supervised does this). */
function isStartResult(call: SyntaxNode): boolean {
  const tuple = parentOf(call);
  return tuple?.type === "tuple" && tuple.namedChildren[0]?.text === ":ok" && tuple.namedChildren[1]?.id === call.id;
}

/**
 * Someone notices when the process ends: its spawner monitors it and handles `:DOWN` (the
 * writer pool of Elixir's parallel compiler), or it monitors its spawner and cleans up when
 * that dies (the shutdown enforcer in Elixir's `Task`). A supervisor would add nothing.
 */
function isWatched(call: SyntaxNode): boolean {
  const def = enclosingDefinition(call);
  const body = def ? definitionBody(def) : undefined;
  const module = enclosingModule(call);
  if (!body || !module) return false;
  return (isMonitoredBySpawner(call, body) && module.text.includes(":DOWN")) || monitorsSpawner(call, body, module) || isEndedByOwner(call, body);
}

/** `{pid, ref} = Process.spawn(fun, [:monitor])`, or `pids = for … do spawn_link(…) end` then `Process.monitor(pid)`. */
function isMonitoredBySpawner(call: SyntaxNode, body: SyntaxNode): boolean {
  const names = boundNames(call, body);
  if (names.length === 0) return false;
  const options = effectiveArguments(call).slice(1);
  if (options.some((option) => option.text.includes(":monitor") || assignments(body).some(([left, right]) => left.text === option.text && right.text.includes(":monitor")))) return true;
  const generated = assignments(body, "<-")
    .filter(([, right]) => names.includes(right.text))
    .map(([left]) => left.text);
  return body.descendantsOfType("call").some((monitor) => isRemoteCall(monitor, "Process", ["monitor"]) && [...names, ...generated].includes(effectiveArguments(monitor)[0]?.text ?? ""));
}

/** `watcher = spawn_link(…)`, then `Process.exit(watcher, …)` in the same function: a helper whose life ends with its owner's work. */
function isEndedByOwner(call: SyntaxNode, body: SyntaxNode): boolean {
  const names = boundNames(call, body);
  return body.descendantsOfType("call").some((exit) => isRemoteCall(exit, "Process", ["exit", "unlink"]) && names.includes(effectiveArguments(exit)[0]?.text ?? ""));
}

/** `caller = self()` and the spawned code calls `Process.monitor(caller)`, itself or through a local function. */
function monitorsSpawner(call: SyntaxNode, body: SyntaxNode, module: SyntaxNode): boolean {
  const spawned = effectiveArguments(call)[0];
  const callers = assignments(body)
    .filter(([, right]) => right.text === "self()")
    .map(([left]) => left.text);
  if (!spawned || callers.length === 0) return false;
  const monitors = (code: SyntaxNode) => code.descendantsOfType("call").some((c) => isRemoteCall(c, "Process", ["monitor"]));
  if (monitors(spawned)) return callers.some((caller) => spawned.text.includes(`Process.monitor(${caller})`));
  const helpers = spawned
    .descendantsOfType("call")
    .filter((c) => callers.some((caller) => identifierUses(c, caller).length > 0))
    .map(localCallee);
  return moduleDefinitions(module).some((def) => helpers.includes(definitionName(def)) && monitors(def));
}

/** The names the statement holding `call` binds: `pid` in `pid = spawn(…)`, both in `{pid, ref} = …`. */
function boundNames(call: SyntaxNode, body: SyntaxNode): string[] {
  for (let node = call, parent = parentOf(node); parent && node.id !== body.id; node = parent, parent = parentOf(node)) {
    if (parent.type === "binary_operator" && operatorOf(parent) === "=" && parent.childForFieldName("right")?.id === node.id) {
      const left = parent.childForFieldName("left");
      return left ? (left.type === "identifier" ? [left] : left.descendantsOfType("identifier")).map((id) => id.text) : [];
    }
  }
  return [];
}
