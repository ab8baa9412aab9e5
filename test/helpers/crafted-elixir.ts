/**
 * One function with `blocks` consecutive `case` expressions: tree-sitter-elixir's parse time and
 * memory grow with the square of their number (2,000: ~3 s and ~650 MB; 4,000: ~15 s).
 */
export function manyCaseBlocks(blocks: number): string {
  const cases = Array.from({ length: blocks }, (_, i) => `    case x do\n      ${i} -> :a\n      _ -> :b\n    end\n`).join("");
  return `defmodule Generated do\n  def f(x) do\n${cases}  end\nend\n`;
}
