import { callArguments, definitionBody, definitionName, localCallee, moduleDefinitions } from "./elixir.js";
import type { SyntaxNode } from "./parser.js";

/** True when the module's body says `use <behaviour>` (`use GenServer`, `use Oban.Worker, …`). */
export function usesBehaviour(module: SyntaxNode, behaviour: string): boolean {
  const block = module.namedChildren.find((c) => c.type === "do_block");
  return block?.namedChildren.some((c) => localCallee(c) === "use" && callArguments(c)[0]?.text === behaviour) ?? false;
}

/**
 * The definitions named `entries` and every function of the same module they call, directly or
 * through other local functions: the code that runs when an entry point runs.
 */
export function reachableDefinitions(module: SyntaxNode, entries: readonly string[]): SyntaxNode[] {
  const byName = new Map<string, SyntaxNode[]>();
  for (const def of moduleDefinitions(module)) {
    const name = definitionName(def);
    if (name) byName.set(name, [...(byName.get(name) ?? []), def]);
  }
  const reached = new Set<string>();
  const pending = entries.filter((name) => byName.has(name));
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (reached.has(name)) continue;
    reached.add(name);
    for (const def of byName.get(name)!) {
      const body = definitionBody(def);
      for (const call of body?.descendantsOfType("call") ?? []) {
        const callee = localCallee(call);
        if (callee && byName.has(callee) && !reached.has(callee)) pending.push(callee);
      }
    }
  }
  return [...reached].flatMap((name) => byName.get(name)!);
}

/** True when `node` lies inside one of `containers` (by position). */
export function isWithin(node: SyntaxNode, containers: readonly SyntaxNode[]): boolean {
  return containers.some((c) => c.startIndex <= node.startIndex && node.endIndex <= c.endIndex);
}
