import type Parser from "tree-sitter";
import { compileQuery, type SyntaxNode } from "./parser.js";
import type { Captures, Rule } from "./rule.js";

/** A string literal (left alone) or a capture name (`@report`) in a query's source. */
const CAPTURE_OR_STRING = /"(?:[^"\\]|\\.)*"|@([A-Za-z_][\w.-]*)/g;
const SEPARATOR = "__";

/** By the rules' query sources: a policy's rule list is new for each review, its queries are not. */
const combined = new Map<string, Parser.Query>();

/**
 * Every rule's captures for one tree, by rule index. All the rules' queries are compiled into
 * one query, once per rule list, so that tree-sitter walks a file once rather than once per rule;
 * each rule's capture names are prefixed with its index to tell the matches apart.
 */
export function matchesByRule(rules: readonly Rule[], root: SyntaxNode): Captures[][] {
  const key = rules.map((rule) => rule.query).join("\0");
  let query = combined.get(key);
  if (!query) {
    query = compileQuery(rules.map((rule, index) => prefixCaptures(rule.query, `r${index}${SEPARATOR}`)).join("\n"));
    combined.set(key, query);
  }
  const byRule: Captures[][] = rules.map(() => []);
  for (const match of query.matches(root)) {
    const captures: Record<string, SyntaxNode> = {};
    let ruleIndex = -1;
    for (const { name, node } of match.captures) {
      const cut = name.indexOf(SEPARATOR);
      ruleIndex = Number(name.slice(1, cut));
      captures[name.slice(cut + SEPARATOR.length)] = node;
    }
    if (ruleIndex >= 0) byRule[ruleIndex]!.push(captures);
  }
  return byRule;
}

function prefixCaptures(query: string, prefix: string): string {
  return query.replace(CAPTURE_OR_STRING, (token, name: string | undefined) => (name === undefined ? token : `@${prefix}${name}`));
}
