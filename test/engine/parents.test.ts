import { describe, expect, it } from "vitest";
import { parentOf } from "../../src/engine/parents.js";
import { parseElixir, type SyntaxNode } from "../../src/engine/parser.js";
import { callWrappers } from "../../bench/generated-modules.js";

/** Every node of the tree, in document order, with the parent tree-sitter itself gives it. */
function everyNode(root: SyntaxNode): Array<{ node: SyntaxNode; parent: SyntaxNode | null }> {
  const found: Array<{ node: SyntaxNode; parent: SyntaxNode | null }> = [];
  const visit = (node: SyntaxNode, parent: SyntaxNode | null) => {
    found.push({ node, parent });
    for (const child of node.children) visit(child, node);
  };
  visit(root, null);
  return found;
}

const SOURCES: Record<string, string> = {
  "a module with nested functions, pipes and a capture": `
defmodule MyApp.Worker do
  use GenServer
  def handle_info(:tick, state) when is_map(state) do
    state.items |> Enum.map(&run/1) |> Task.await_many()
    {:noreply, %{state | at: System.monotonic_time()}}
  catch
    :exit, reason -> {:stop, reason, state}
  end
  defp run(item), do: Task.async(fn -> item.fun.() end)
end
`,
  // Broken code has ERROR and zero-width MISSING nodes, the cases byte offsets cannot always tell apart.
  "broken code": "defmodule A do\n  def broken(x) do\n    case x do\n      1 ->\n  end\n  def ok, do: :ok\nend\n",
  "an empty interpolation and empty collections": 'x = "#{}"\ny = [] ++ %{} |> f.()\n',
  "a generated module of many functions": callWrappers(50),
};

describe("parentOf", () => {
  it.each(Object.entries(SOURCES))("gives every node of %s the parent tree-sitter gives it", (_, source) => {
    const nodes = everyNode(parseElixir(source).rootNode);
    // Asked from the leaves up, then in document order: the answers must not depend on what is remembered.
    for (const { node, parent } of [...nodes].reverse()) expect(parentOf(node)?.id).toBe(parent?.id);
    for (const { node, parent } of nodes) expect(parentOf(node)?.id).toBe(parent?.id);
  });

  it("answers null for the root and for no node", () => {
    const root = parseElixir("defmodule A, do: nil").rootNode;
    expect(parentOf(root)).toBeNull();
    expect(parentOf(undefined)).toBeNull();
  });
});
