import { parentOf } from "./parents.js";
import { callArguments, isDefinition, localCallee, remoteCallee } from "./elixir.js";
import type { SyntaxNode } from "./parser.js";

/**
 * Calls that block the calling process on something outside it: the network, a database, a
 * command, a sleep, another process, a `receive` that can wait.
 */

/** Calls that wait on something outside the process. `module: functions`; `*` = any function. */
const HTTP_VERBS = ["get", "post", "put", "patch", "delete", "head", "options", "request", "run"].flatMap((verb) => [verb, `${verb}!`]);

export const BLOCKING: Readonly<Record<string, readonly string[]>> = {
  Req: HTTP_VERBS,
  HTTPoison: HTTP_VERBS,
  Finch: ["request", "request!", "stream"],
  Tesla: HTTP_VERBS,
  "Mint.HTTP": ["connect", "request"],
  ":httpc": ["request"],
  ":hackney": ["request", "get", "post", "connect"],
  Process: ["sleep"],
  ":timer": ["sleep"],
  GenServer: ["call"],
  Task: ["await", "await_many", "yield"],
  System: ["cmd", "shell"],
  ":gen_tcp": ["connect"],
  ":ssl": ["connect"],
};

/** True when the call can block its process on the outside world or another process. */
export function isBlocking(call: SyntaxNode): boolean {
  if (localCallee(call) === "receive") return !isMailboxFlush(call);
  const callee = remoteCallee(call);
  if (!callee) return false;
  if (callee.module === "Repo" || callee.module.endsWith(".Repo")) return true;
  const funs = BLOCKING[callee.module];
  return funs !== undefined && (funs.includes("*") || funs.includes(callee.fun));
}

/**
 * A `receive` that cannot wait: `after 0`, or the flush of a timer's message after
 * `Process.cancel_timer/1` reported that it had already fired (Livebook does this).
 */
function isMailboxFlush(receive: SyntaxNode): boolean {
  const after = receive.namedChildren.find((c) => c.type === "do_block")?.namedChildren.find((c) => c.type === "after_block");
  if (after?.namedChildren[0]?.childForFieldName("left")?.text === "0") return true;
  for (let n = parentOf(receive); n && !isDefinition(n); n = parentOf(n)) {
    if ((localCallee(n) === "if" || localCallee(n) === "case") && /cancel_timer/.test(callArguments(n)[0]?.text ?? "")) return true;
  }
  return false;
}
