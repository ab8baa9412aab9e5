import Parser from "tree-sitter";
import Elixir from "tree-sitter-elixir";

export type SyntaxNode = Parser.SyntaxNode;
export type Tree = Parser.Tree;

/** The 0.22 typings of tree-sitter disagree with the grammar package's own: one cast, here. */
export const elixir = Elixir as unknown as Parser.Language;

let parser: Parser | undefined;

/** Parses Elixir source. One parser per process; tree-sitter recovers from broken code. */
export function parseElixir(source: string): Tree {
  parser ??= newParser();
  return parser.parse(source);
}

function newParser(): Parser {
  const p = new Parser();
  p.setLanguage(elixir);
  return p;
}

const compiled = new Map<string, Parser.Query>();

/** Compiles a query once per process; rules share the cache by source text. */
export function compileQuery(source: string): Parser.Query {
  let query = compiled.get(source);
  if (!query) {
    query = new Parser.Query(elixir, source);
    compiled.set(source, query);
  }
  return query;
}
