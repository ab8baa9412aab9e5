import type Parser from "tree-sitter";
import { compileQuery, type SyntaxNode } from "./parser.js";
import type { Match, Rule } from "./rule.js";

/** A string literal (left alone) or a capture name (`@report`) in a query's source. */
const CAPTURE_OR_STRING = /"(?:[^"\\]|\\.)*"|@([A-Za-z_][\w.-]*)/g;
const SEPARATOR = "__";

/**
 * Every distinct rule query this process has seen, and one query compiled from all of them.
 * Compiling takes a quarter of a second, so it happens once per process: a policy that turns
 * rules off runs the same query and drops the matches of the rules it turned off.
 */
const sources: string[] = [];
let combined: Parser.Query | undefined;

/** Compiles the rules' queries now rather than on the first file (a worker does this as it starts). */
export function prepareQueries(rules: readonly Rule[]): Parser.Query {
  const unseen = [...new Set(rules.map((rule) => rule.query))].filter((query) => !sources.includes(query));
  if (combined && unseen.length === 0) return combined;
  sources.push(...unseen);
  combined = compileQuery(sources.map((query, index) => prefixCaptures(query, `q${index}${SEPARATOR}`)).join("\n"));
  return combined;
}

/**
 * Every rule's captures for one tree, by rule index: tree-sitter walks the file once for all
 * the rules. Each query's capture names carry its index, to tell the matches apart; rules that
 * share a query (the two atom rules) share its matches.
 */
export function matchesByRule(rules: readonly Rule[], root: SyntaxNode): Match[][] {
  const query = prepareQueries(rules);
  const rulesByQuery = new Map<number, number[]>();
  rules.forEach((rule, index) => {
    const source = sources.indexOf(rule.query);
    rulesByQuery.set(source, [...(rulesByQuery.get(source) ?? []), index]);
  });
  const byRule: Match[][] = rules.map(() => []);
  for (const match of query.matches(root)) {
    const captures: Record<string, SyntaxNode> = {};
    let queryIndex = -1;
    for (const { name, node } of match.captures) {
      const cut = name.indexOf(SEPARATOR);
      queryIndex = Number(name.slice(1, cut));
      captures[name.slice(cut + SEPARATOR.length)] = node;
    }
    for (const ruleIndex of rulesByQuery.get(queryIndex) ?? []) byRule[ruleIndex]!.push(captures as Match);
  }
  return byRule;
}

function prefixCaptures(query: string, prefix: string): string {
  return query.replace(CAPTURE_OR_STRING, (token, name: string | undefined) => (name === undefined ? token : `@${prefix}${name}`));
}
