import { parentOf } from "../parents.js";
import { localCallee, operatorOf, remoteCallee } from "../elixir.js";
import type { SyntaxNode } from "../parser.js";
import type { FileModel, FunctionClause, ModuleInfo } from "./file-model.js";

/**
 * Which process runs a piece of code. A function passed to `spawn`, `Task.start`, `start_async`…
 * runs in another process: work reached only through it neither blocks nor (unless linked)
 * crashes the caller; a long-lived stateful process loses its state when something linked dies.
 */

/** Calls whose function argument runs in a new process. */
const SPAWNING_REMOTE = /^(Task\.(async|start|start_link|async_stream)|Task\.Supervisor\.\w+|Process\.spawn|Kernel\.spawn(_link)?|Agent\.\w+|Node\.spawn(_link)?)$/;
const SPAWNING_LOCAL = new Set(["spawn", "spawn_link", "spawn_monitor", "start_async", "assign_async", "stream_async"]);

/** Behaviours whose processes live long and hold state: a crash loses that state. */
const STATEFUL_USES = /^(GenServer|GenStateMachine|Agent|GenStage|Phoenix\.LiveView|Phoenix\.LiveComponent|Phoenix\.Channel|:gen_statem)$|:(live_view|live_component|channel)$/;
const STATEFUL_BEHAVIOURS = new Set([":gen_server", ":gen_statem", "GenServer", "GenStage", ":gen_event"]);
/** Callback names of those behaviours. */
const CALLBACKS = new Set([
  "init",
  "handle_call",
  "handle_cast",
  "handle_info",
  "handle_continue",
  "handle_event",
  "handle_params",
  "mount",
  "update",
  "handle_in",
  "handle_demand",
  "handle_async",
  "terminate",
  "code_change",
  "callback_mode",
  "join",
]);

/** True when the node sits in a function literal that another process runs (`spawn(fn -> … end)`). */
export function isInSpawnedFunction(node: SyntaxNode, clause: FunctionClause | undefined): boolean {
  return callsGivenFunctionsAround(node, clause).some(isSpawningCall);
}

/**
 * The calls that the function literals around the node (within its clause) are handed to,
 * innermost first: `Task.start` for `Task.start(fn -> … end)`, `Enum.map` for `Enum.map(xs, &f/1)`.
 */
export function callsGivenFunctionsAround(node: SyntaxNode, clause: FunctionClause | undefined): SyntaxNode[] {
  const calls: SyntaxNode[] = [];
  const stop = clause?.node.id;
  for (let n: SyntaxNode | null = node; n && n.id !== stop; n = parentOf(n)) {
    if (n.type !== "anonymous_function" && !(n.type === "unary_operator" && operatorOf(n) === "&")) continue;
    const call = parentOf(n)?.type === "arguments" ? parentOf(parentOf(n)) : null;
    if (call) calls.push(call);
  }
  return calls;
}

export function isSpawningCall(call: SyntaxNode): boolean {
  const callee = remoteCallee(call);
  if (callee) return SPAWNING_REMOTE.test(`${callee.module}.${callee.fun}`);
  return SPAWNING_LOCAL.has(localCallee(call) ?? "");
}

/** The module runs as a long-lived stateful process: a GenServer, a state machine, a LiveView, a channel. */
export function isStatefulProcess(module: ModuleInfo | undefined): boolean {
  if (!module) return false;
  return module.uses.some((use) => STATEFUL_USES.test(use)) || module.behaviours.some((b) => STATEFUL_BEHAVIOURS.has(b));
}

const LIVE_VIEW = /LiveView|live_view|LiveComponent|live_component/;

/** A LiveView or LiveComponent: a process per connected page. */
export function isLiveView(module: ModuleInfo): boolean {
  return module.uses.some((use) => STATEFUL_USES.test(use) && LIVE_VIEW.test(use));
}

/** What a reader calls the process: for messages. */
export function processKind(module: ModuleInfo): string {
  const use = module.uses.find((u) => STATEFUL_USES.test(u)) ?? module.behaviours[0] ?? "process";
  if (LIVE_VIEW.test(use)) return "this LiveView";
  if (/Channel|channel/.test(use)) return "this channel";
  if (/statem|StateMachine/.test(use)) return "this state machine";
  return "this GenServer";
}

/**
 * True when the clause runs inside the module's long-lived process: it is one of the
 * behaviour's callbacks, or a function only those callbacks reach.
 */
export function runsInStatefulProcess(model: FileModel, clause: FunctionClause | undefined): boolean {
  const module = clause?.module;
  if (!clause || !module || !isStatefulProcess(module)) return false;
  if (CALLBACKS.has(clause.name)) return true;
  const entries = [...module.functions.keys()].filter((name) => CALLBACKS.has(name));
  return model.reachable(module, entries).some((reached) => reached.name === clause.name);
}
