import { parentOf } from "./parents.js";
import type { SyntaxNode } from "./parser.js";

/**
 * Questions rules ask of tree-sitter-elixir's syntax tree. Elixir has almost no keywords:
 * `defmodule`, `def`, `use` and `quote` are all `call` nodes, so these helpers name them.
 */

const FUNCTION_DEFINITIONS = new Set(["def", "defp"]);
const COMPILE_TIME_DEFINITIONS = new Set(["defmacro", "defmacrop", "defguard", "defguardp"]);

/** `Mod.fun(...)` or `:mod.fun(...)`: the module as written (`Task`, `:erlang`) and the function. */
export function remoteCallee(node: SyntaxNode): { module: string; fun: string } | null {
  if (node.type !== "call") return null;
  const target = node.childForFieldName("target");
  if (target?.type !== "dot") return null;
  const left = target.childForFieldName("left");
  const right = target.childForFieldName("right");
  if (!left || right?.type !== "identifier") return null;
  if (left.type !== "alias" && left.type !== "atom") return null;
  return { module: left.text, fun: right.text };
}

/** `fun(...)` with a plain name: `def`, `use`, `spawn`. */
export function localCallee(node: SyntaxNode): string | null {
  if (node.type !== "call") return null;
  const target = node.childForFieldName("target");
  return target?.type === "identifier" ? target.text : null;
}

export function isRemoteCall(node: SyntaxNode, module: string, funs: readonly string[]): boolean {
  const callee = remoteCallee(node);
  return callee !== null && callee.module === module && funs.includes(callee.fun);
}

/** The call's own arguments, keyword list last as one `keywords` node, as written. */
export function callArguments(node: SyntaxNode): SyntaxNode[] {
  const args = node.namedChildren.find((c) => c.type === "arguments");
  return args ? args.namedChildren : [];
}

/** True when the call is the right side of `|>`: its first argument is the pipe's left side. */
export function isPipedInto(node: SyntaxNode): boolean {
  const parent = parentOf(node);
  return parent?.type === "binary_operator" && operatorOf(parent) === "|>" && parent.childForFieldName("right")?.id === node.id;
}

/** Arguments as the function receives them: the piped value first, when there is one. */
export function effectiveArguments(node: SyntaxNode): SyntaxNode[] {
  const own = callArguments(node);
  if (!isPipedInto(node)) return own;
  const piped = parentOf(node)!.childForFieldName("left");
  return piped ? [piped, ...own] : own;
}

/** `&Mod.fun/1`: the call names a function without calling it. */
export function isFunctionCapture(call: SyntaxNode): boolean {
  const slash = parentOf(call);
  if (slash?.type !== "binary_operator" || operatorOf(slash) !== "/" || slash.childForFieldName("left")?.id !== call.id) return false;
  const capture = parentOf(slash);
  return capture?.type === "unary_operator" && operatorOf(capture) === "&";
}

export function operatorOf(node: SyntaxNode): string | undefined {
  return node.childForFieldName("operator")?.text;
}

/** The value of `key:` in a keyword list (`keywords` node or a literal `[key: …]` list). */
export function keywordValue(node: SyntaxNode | undefined, key: string): SyntaxNode | undefined {
  if (!node) return undefined;
  const pairs = node.type === "list" ? node.namedChildren.filter((c) => c.type === "keywords").flatMap((k) => k.namedChildren) : node.type === "keywords" ? node.namedChildren : [];
  for (const pair of pairs) {
    if (pair.type === "pair" && keywordKey(pair) === key) return pair.childForFieldName("value") ?? undefined;
  }
  return undefined;
}

/** `name` for the pair `name: value`. */
export function keywordKey(pair: SyntaxNode): string | undefined {
  const key = pair.childForFieldName("key");
  return key?.text.replace(/:\s*$/, "").trim();
}

/** `def …` or `defp …`. */
export function isDefinition(node: SyntaxNode): boolean {
  return FUNCTION_DEFINITIONS.has(localCallee(node) ?? "");
}

/** The `def`/`defp`/`defmacro`… call that encloses a node, if any. */
export function enclosingDefinition(node: SyntaxNode): SyntaxNode | null {
  for (let n = parentOf(node); n; n = parentOf(n)) {
    const name = localCallee(n);
    if (name && (FUNCTION_DEFINITIONS.has(name) || COMPILE_TIME_DEFINITIONS.has(name))) return n;
    if (name === "defmodule") return null;
  }
  return null;
}

/** The `defmodule` call that encloses a node, if any. */
export function enclosingModule(node: SyntaxNode): SyntaxNode | null {
  for (let n = parentOf(node); n; n = parentOf(n)) if (localCallee(n) === "defmodule") return n;
  return null;
}

/** The head of a definition: `name(args) when guard` without the guard. */
function definitionHead(def: SyntaxNode): SyntaxNode | undefined {
  let head = callArguments(def)[0];
  if (head?.type === "binary_operator" && operatorOf(head) === "when") head = head.childForFieldName("left") ?? undefined;
  return head;
}

/** `handle_call` for `def handle_call(msg, from, state) do … end`; null for generated names. */
export function definitionName(def: SyntaxNode): string | null {
  const head = definitionHead(def);
  if (!head) return null;
  if (head.type === "identifier") return head.text;
  return head.type === "call" ? localCallee(head) : null;
}

/** The parameters of a definition, as patterns. */
export function definitionParameters(def: SyntaxNode): SyntaxNode[] {
  const head = definitionHead(def);
  return head?.type === "call" ? callArguments(head) : [];
}

/** The guard of `def f(x) when guard`, if any. */
export function definitionGuard(def: SyntaxNode): SyntaxNode | undefined {
  const head = callArguments(def)[0];
  return head?.type === "binary_operator" && operatorOf(head) === "when" ? (head.childForFieldName("right") ?? undefined) : undefined;
}

/** Everything about a definition at once, from one read of its arguments: for walks over many definitions. */
export function definitionParts(def: SyntaxNode): { name: string | null; parameters: SyntaxNode[]; guard: SyntaxNode | undefined; body: SyntaxNode | undefined } {
  const args = callArguments(def);
  let head = args[0];
  let guard: SyntaxNode | undefined;
  if (head?.type === "binary_operator" && operatorOf(head) === "when") {
    guard = head.childForFieldName("right") ?? undefined;
    head = head.childForFieldName("left") ?? undefined;
  }
  const name = !head ? null : head.type === "identifier" ? head.text : head.type === "call" ? localCallee(head) : null;
  const parameters = head?.type === "call" ? callArguments(head) : [];
  const block = def.namedChildren.find((c) => c.type === "do_block");
  const body =
    block ??
    keywordValue(
      args.find((c) => c.type === "keywords"),
      "do",
    );
  return { name, parameters, guard, body };
}

/** The body of `def … do … end` or `def …, do: …`. */
export function definitionBody(def: SyntaxNode): SyntaxNode | undefined {
  const block = def.namedChildren.find((c) => c.type === "do_block");
  if (block) return block;
  const keywords = callArguments(def).find((c) => c.type === "keywords");
  return keywordValue(keywords, "do");
}

/** The definitions written directly in a module's body (not in nested modules). */
export function moduleDefinitions(module: SyntaxNode): SyntaxNode[] {
  const block = module.namedChildren.find((c) => c.type === "do_block");
  if (!block) return [];
  return block.namedChildren.filter((c) => {
    const name = localCallee(c);
    return name !== null && (FUNCTION_DEFINITIONS.has(name) || COMPILE_TIME_DEFINITIONS.has(name));
  });
}

/** Every `left = right` (or, with `operator`, `left <- right`) inside `body`, as [left, right]. */
export function assignments(body: SyntaxNode, operator: "=" | "<-" = "="): Array<[SyntaxNode, SyntaxNode]> {
  return body.descendantsOfType("binary_operator").flatMap((op) => {
    const left = op.childForFieldName("left");
    const right = op.childForFieldName("right");
    return operatorOf(op) === operator && left && right ? [[left, right] as [SyntaxNode, SyntaxNode]] : [];
  });
}

/** Identifier nodes named `name` below `node` that are variables, not the names of called functions. */
export function identifierUses(node: SyntaxNode, name: string): SyntaxNode[] {
  return node.descendantsOfType("identifier").filter((n) => n.text === name && localCallee(parentOf(n)!) === null);
}

/**
 * True for values fixed when the code is written: literals, aliases, `__MODULE__`, module
 * attributes, and lists, tuples and interpolations made only of those.
 */
export function isStaticValue(node: SyntaxNode): boolean {
  switch (node.type) {
    case "atom":
    case "alias":
    case "integer":
    case "float":
    case "boolean":
    case "nil":
    case "char":
    case "quoted_content":
    case "escape_sequence":
      return true;
    case "string":
    case "charlist":
    case "quoted_atom":
    case "list":
    case "tuple":
    case "keywords":
    case "map":
    case "map_content":
    case "pair":
    case "keyword":
    case "interpolation":
      return node.namedChildren.every(isStaticValue);
    case "identifier":
      return node.text === "__MODULE__";
    case "unary_operator":
      return operatorOf(node) === "@";
    case "sigil":
      return !node.namedChildren.some((c) => c.type === "interpolation") || node.namedChildren.every(isStaticValue);
    default:
      return false;
  }
}
