import type { SyntaxNode } from "./parser.js";

/** `use GenServer`, captured as `@report`: where rules about a whole GenServer anchor. */
export const USE_GENSERVER_QUERY = `
(call target: (identifier) @use (arguments . (alias) @behaviour)
  (#eq? @use "use")
  (#eq? @behaviour "GenServer")) @report
`;

/** True when `node` lies inside one of `containers` (by position). */
export function isWithin(node: SyntaxNode, containers: readonly SyntaxNode[]): boolean {
  return containers.some((c) => c.startIndex <= node.startIndex && node.endIndex <= c.endIndex);
}
