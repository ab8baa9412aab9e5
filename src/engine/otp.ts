import { callArguments, localCallee } from "./elixir.js";
import type { SyntaxNode } from "./parser.js";

/** `use GenServer`, captured as `@report`: where rules about a whole GenServer anchor. */
export const USE_GENSERVER_QUERY = `
(call target: (identifier) @use (arguments . (alias) @behaviour)
  (#eq? @use "use")
  (#eq? @behaviour "GenServer")) @report
`;

/** True when the module's body says `use <behaviour>` (`use GenServer`, `use Oban.Worker, …`). */
export function usesBehaviour(module: SyntaxNode, behaviour: string): boolean {
  const block = module.namedChildren.find((c) => c.type === "do_block");
  return block?.namedChildren.some((c) => localCallee(c) === "use" && callArguments(c)[0]?.text === behaviour) ?? false;
}

/** True when `node` lies inside one of `containers` (by position). */
export function isWithin(node: SyntaxNode, containers: readonly SyntaxNode[]): boolean {
  return containers.some((c) => c.startIndex <= node.startIndex && node.endIndex <= c.endIndex);
}
