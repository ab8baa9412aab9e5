import {
  callArguments,
  definitionBody,
  definitionGuard,
  definitionName,
  definitionParameters,
  effectiveArguments,
  enclosingDefinition,
  identifierUses,
  isRemoteCall,
  isDefinition,
  isFunctionCapture,
  isStaticValue,
  keywordKey,
  localCallee,
  operatorOf,
  remoteCallee,
} from "./elixir.js";
import type { SyntaxNode } from "./parser.js";

/**
 * Atoms are never garbage-collected and the table is finite (1,048,576 by default): an atom made
 * from run-time input is a slow memory leak and, at the limit, a node crash. These helpers find
 * atom-making expressions and ask whether their atom names a process.
 */

/** A tree-sitter query for every shape that can make an atom; `atomMaker` decides. */
export const ATOM_MAKER_QUERY = `
(call target: (dot left: (alias) @module right: (identifier) @fun)
  (#any-of? @module "String" "List" "Module")
  (#any-of? @fun "to_atom" "concat")) @report
(call target: (dot left: (atom) @module right: (identifier) @fun)
  (#eq? @module ":erlang")
  (#any-of? @fun "binary_to_atom" "list_to_atom")) @report
(quoted_atom (interpolation)) @report
`;

const TO_ATOM: ReadonlyArray<[module: string, fun: string]> = [
  ["String", "to_atom"],
  ["List", "to_atom"],
  [":erlang", "binary_to_atom"],
  [":erlang", "list_to_atom"],
];

/**
 * How the node makes an atom from run-time input (`String.to_atom`), or null when its input is
 * bounded: literals, constants, values a guard allow-lists (`when x in @allowed`, `is_atom(x)`),
 * and names derived from other names — `Module.concat(parent, "Supervisor")`,
 * `:"#{name}_supervisor"` — where the variables are not named like data (ids, keys, input).
 */
export function atomMaker(node: SyntaxNode): string | null {
  const maker = unboundedMaker(node);
  // The contextual exceptions walk the enclosing function: only for what is otherwise dynamic.
  return maker !== null && !isDistributionName(node) && !isPublicConversion(node) ? maker : null;
}

function unboundedMaker(node: SyntaxNode): string | null {
  if (node.type === "quoted_atom") return isDerivedName(node, node) ? null : "an interpolated atom `:\"…#{}…\"`";
  const callee = remoteCallee(node);
  if (!callee) return null;
  if (isFunctionCapture(node)) return isAtomMaker(callee) ? `\`&${callee.module}.${callee.fun}\`` : null;
  const args = effectiveArguments(node);
  if (callee.module === "Module" && callee.fun === "concat") {
    const parts = args.length === 1 && args[0]?.type === "list" ? args[0].namedChildren : args;
    return parts.length > 0 && !parts.every((part) => isBounded(part, node) || isModuleNameVariable(part)) ? "`Module.concat` with run-time parts" : null;
  }
  const input = args[0];
  if (!isAtomMaker(callee) || !input || isBounded(input, node) || (input.type === "string" && isDerivedName(input, node))) return null;
  return `\`${callee.module}.${callee.fun}\``;
}

/**
 * `def to_atom(string), do: :erlang.binary_to_atom(string, :utf8)`: a public conversion function
 * hands its parameter on; where the input comes from is its callers' business (Elixir's own
 * `String.to_atom/1` is written this way).
 */
function isPublicConversion(maker: SyntaxNode): boolean {
  const def = enclosingDefinition(maker);
  const input = effectiveArguments(maker)[0];
  if (!def || localCallee(def) !== "def" || !/atom/.test(definitionName(def) ?? "") || input?.type !== "identifier") return false;
  return definitionParameters(def).some((param) => param.text === input.text);
}

/** Node names and cookies: Erlang distribution takes only atoms, one per cluster member. */
const DISTRIBUTION = /(^|_)(node|nodes|cookie|node_name)$/;

/**
 * The atom names a node or a cookie (`node = String.to_atom(name)`, `def child_node_name`): the
 * distribution API requires atoms, and a cluster has few members (Livebook does this).
 */
function isDistributionName(maker: SyntaxNode): boolean {
  const variable = boundVariable(outermostPipe(maker));
  const input = effectiveArguments(maker)[0];
  const def = enclosingDefinition(maker);
  const fun = (def ? definitionName(def) : null)?.replace(/[!?]$/, "");
  const names = [variable, input?.type === "identifier" ? input.text : undefined, fun];
  return names.some((name) => name !== undefined && DISTRIBUTION.test(name));
}

/** `"#{name}_supervisor"`: every interpolated part bounded, or a variable named like a name, not like data. */
function isDerivedName(interpolated: SyntaxNode, site: SyntaxNode): boolean {
  const parts = interpolated.namedChildren.filter((c) => c.type === "interpolation").flatMap((i) => i.namedChildren);
  return parts.every((part) => isBounded(part, site) || isModuleNameVariable(part));
}

/** Variables that, by Elixir convention, hold data rather than a module: ids, keys, names of users. */
const DATA_VARIABLE = /(^|_)(id|ids|key|keys|uuid|slug|token|user|username|tenant|account|room|topic|session|input|param|params|string|str|text|value)$/;

/** Calls and operators whose result is a count or an index: bounded by the size of something. */
const COUNTS = new Set(["length", "map_size", "tuple_size", "byte_size", "Integer.to_string", "+", "-", "*"]);

/** `module`, `parent`, `endpoint`: a name that a child's name is derived from. */
function isModuleNameVariable(node: SyntaxNode): boolean {
  return node.type === "identifier" && !DATA_VARIABLE.test(node.text);
}

/** A value fixed in the code, a count, configuration, or a variable that an enclosing guard bounds. */
function isBounded(value: SyntaxNode, site: SyntaxNode): boolean {
  if (isStaticValue(value) || isCount(value) || ENVIRONMENT.test(value.text)) return true;
  if (value.type === "binary_operator" && operatorOf(value) === "<>") {
    return [value.childForFieldName("left"), value.childForFieldName("right")].every((part) => part !== null && isBounded(part, site));
  }
  if (value.type !== "identifier") return false;
  return guardsAround(site).some((guard) => boundsVariable(guard, value.text)) || derivesFromEnvironment(value.text, site, 3);
}

/** Configuration, fixed for the life of the node: as many atoms as settings, not as requests. */
const ENVIRONMENT = /\b(System\.(get_env|fetch_env!?)|Application\.(get_env|fetch_env!?|get_all_env))\b/;

/**
 * True when `name` is bound, in the function around `site`, from configuration — directly or
 * through up to `depth` other variables (`if node = System.get_env("NODE")`, `for key <- split(env)`).
 */
function derivesFromEnvironment(name: string, site: SyntaxNode, depth: number): boolean {
  const def = enclosingDefinition(site);
  const body = def ? definitionBody(def) : undefined;
  if (!body || depth === 0) return false;
  const bindings = body.descendantsOfType("binary_operator").filter((op) => (operatorOf(op) === "=" || operatorOf(op) === "<-") && op.childForFieldName("left")?.text === name);
  return bindings.some((binding) => {
    const source = binding.childForFieldName("right");
    if (!source) return false;
    if (ENVIRONMENT.test(source.text)) return true;
    return source.descendantsOfType("identifier").some((id) => id.text !== name && derivesFromEnvironment(id.text, site, depth - 1));
  });
}

/** `length(list)`, `Integer.to_string(partition)`, `index + 1`: a number, not input. */
function isCount(value: SyntaxNode): boolean {
  if (value.type === "binary_operator") return COUNTS.has(operatorOf(value) ?? "");
  const callee = remoteCallee(value);
  return COUNTS.has(callee ? `${callee.module}.${callee.fun}` : (localCallee(value) ?? ""));
}

/** The guards of the clauses (`def`, `fn`, `case`…) and the conditions of the `if`s that enclose a node. */
function guardsAround(node: SyntaxNode): SyntaxNode[] {
  const guards: SyntaxNode[] = [];
  for (let n = node.parent; n; n = n.parent) {
    const head = n.type === "stab_clause" ? n.childForFieldName("left") : undefined;
    const guard = head?.type === "binary_operator" && operatorOf(head) === "when" ? head.childForFieldName("right") : isDefinition(n) ? definitionGuard(n) : localCallee(n) === "if" ? callArguments(n)[0] : undefined;
    if (guard) guards.push(guard);
  }
  return guards;
}

/** `is_atom(name)` or `name in [...]` / `name in @allowed` somewhere in the guard. */
function boundsVariable(guard: SyntaxNode, name: string): boolean {
  for (const n of guard.descendantsOfType(["call", "binary_operator"])) {
    if (localCallee(n) === "is_atom" && callArguments(n)[0]?.text === name) return true;
    if (n.type === "binary_operator" && operatorOf(n) === "in" && n.childForFieldName("left")?.text === name) return true;
  }
  return false;
}

function isAtomMaker(callee: { module: string; fun: string }): boolean {
  return TO_ATOM.some(([module, fun]) => callee.module === module && callee.fun === fun) || (callee.module === "Module" && callee.fun === "concat");
}

/**
 * Where the atom made by `node` is used as a process name — a `name:` option, `Process.register`,
 * `Keyword.put(opts, :name, …)` — directly, through a pipe, or through a variable bound to it in
 * the same function. Returns the use, or null.
 */
export function processNameUse(node: SyntaxNode): SyntaxNode | null {
  const value = outermostPipe(node);
  if (isNameSlot(value)) return value;
  const variable = boundVariable(value);
  if (!variable) return null;
  const def = enclosingDefinition(value);
  const body = def ? definitionBody(def) : undefined;
  if (!body) return null;
  return identifierUses(body, variable).find((use) => use.startIndex > value.endIndex && isNameSlot(use)) ?? null;
}

/** The whole expression whose value the node produces: `x |> String.to_atom()` for the call. */
function outermostPipe(node: SyntaxNode): SyntaxNode {
  let value = node;
  while (value.parent?.type === "binary_operator" && operatorOf(value.parent) === "|>" && value.parent.childForFieldName("right")?.id === value.id) {
    value = value.parent;
  }
  return value;
}

/** `v` in `v = <value>`. */
function boundVariable(value: SyntaxNode): string | undefined {
  const parent = value.parent;
  if (parent?.type !== "binary_operator" || operatorOf(parent) !== "=") return undefined;
  if (parent.childForFieldName("right")?.id !== value.id) return undefined;
  const left = parent.childForFieldName("left");
  return left?.type === "identifier" ? left.text : undefined;
}

function isNameSlot(value: SyntaxNode): boolean {
  const parent = value.parent;
  if (!parent) return false;
  if (parent.type === "pair") return keywordKey(parent) === "name" && parent.childForFieldName("value")?.id === value.id;
  if (parent.type === "tuple" && parent.namedChildren[0]?.text === ":global") return isNameSlot(parent);
  if (parent.type !== "arguments") return false;
  const call = parent.parent;
  if (!call) return false;
  const args = effectiveArguments(call);
  const position = args.findIndex((arg) => arg.id === value.id);
  if (isRemoteCall(call, "Process", ["register"])) return position === 1;
  if (isRemoteCall(call, ":erlang", ["register"])) return position === 0;
  if (isRemoteCall(call, "Keyword", ["put", "put_new"])) return position === 2 && args[1]?.text === ":name";
  return false;
}

/** For a maker's description at the start of a message. */
export function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
