import { parentOf } from "./parents.js";
import {
  assignments,
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
  isPipedInto,
  isStaticValue,
  keywordKey,
  localCallee,
  operatorOf,
  remoteCallee,
} from "./elixir.js";
import type { SyntaxNode } from "./parser.js";
import type { Waivers } from "./semantic/comments.js";
import type { FileModel } from "./semantic/file-model.js";
import { isBoundedOrigin, type Origin, type Provenance } from "./semantic/provenance.js";

/**
 * Atoms are never garbage-collected and the table is finite (1,048,576 by default): an atom made
 * from run-time input is a slow memory leak and, at the limit, a node crash. These helpers find
 * atom-making expressions and ask whether their atom names a process.
 */

/** The other tools' checks for atoms made at run time: a reviewer who waived them there decided. */
export const ATOM_WAIVERS: Waivers = {
  credo: ["Credo.Check.Warning.UnsafeToAtom"],
  sobelow: ["DOS.StringToAtom", "DOS.ListToAtom", "DOS.BinToAtom"],
};

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
 * bounded: literals, constants, configuration, values a guard or an earlier check allow-lists
 * (`when x in @allowed`, `is_atom(x)`), strings made from existing atoms (`Atom.to_string`,
 * `Module.split`), and names derived from other names — `Module.concat(parent, "Supervisor")`,
 * `:"#{name}_supervisor"` — where the variables are not named like data (ids, keys, input).
 */
export function atomMaker(node: SyntaxNode): string | null {
  const maker = unboundedMaker(node);
  // The contextual exceptions walk the enclosing function: only for what is otherwise dynamic.
  return maker !== null && !isDistributionName(node) && !isPublicConversion(node) ? maker : null;
}

function unboundedMaker(node: SyntaxNode): string | null {
  if (node.type === "quoted_atom") return isDerivedName(node, node) ? null : 'an interpolated atom `:"…#{}…"`';
  const callee = remoteCallee(node);
  if (!callee) return null;
  if (isFunctionCapture(node)) return isAtomMaker(callee) ? `\`&${callee.module}.${callee.fun}\`` : null;
  const args = effectiveArguments(node);
  if (callee.module === "Module" && callee.fun === "concat") {
    const parts = args.length === 1 && args[0] ? concatenatedParts(args[0]) : args;
    return parts.length > 0 && !parts.every((part) => isBounded(part, node) || isNameLike(part) || (part.type === "string" && isDerivedName(part, node)))
      ? "`Module.concat` with run-time parts"
      : null;
  }
  const input = args[0];
  if (!isAtomMaker(callee) || !input || isBounded(input, node) || isDerivedNameValue(input, node)) return null;
  return `\`${callee.module}.${callee.fun}\``;
}

/** The parts of `Module.concat(list)`: `[a, b]` and `top.aliases ++ [alias]` alike. */
function concatenatedParts(list: SyntaxNode): SyntaxNode[] {
  if (list.type === "list") return list.namedChildren;
  if (list.type !== "binary_operator" || operatorOf(list) !== "++") return [list];
  return [list.childForFieldName("left"), list.childForFieldName("right")].flatMap((side) => (side ? concatenatedParts(side) : []));
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
  // `:"livebook_#{id}@#{host}"`: the `@` of a node name.
  if (maker.type === "quoted_atom" && maker.namedChildren.some((c) => c.type === "quoted_content" && c.text.includes("@"))) return true;
  const variable = boundVariable(outermostPipe(maker));
  const input = effectiveArguments(maker)[0];
  const def = enclosingDefinition(maker);
  const fun = (def ? definitionName(def) : null)?.replace(/[!?]$/, "");
  const names = [variable, input?.type === "identifier" ? input.text : undefined, fun];
  return names.some((name) => name !== undefined && DISTRIBUTION.test(name));
}

/** `"#{field}_confirmation"`, written there or bound to the variable passed. */
function isDerivedNameValue(input: SyntaxNode, site: SyntaxNode): boolean {
  const isName = (value: SyntaxNode) => value.type === "string" && isDerivedName(value, site);
  return isName(input) || (input.type === "identifier" && derivesFrom(input.text, site, 1, isName));
}

/** `"#{name}_supervisor"`: every interpolated part bounded, or a variable named like a name, not like data. */
function isDerivedName(interpolated: SyntaxNode, site: SyntaxNode): boolean {
  const parts = interpolated.namedChildren.filter((c) => c.type === "interpolation").flatMap((i) => i.namedChildren);
  return parts.every((part) => isBounded(part, site) || isNameLike(part));
}

/** Variables that, by Elixir convention, hold data rather than a module: ids, keys, names of users. */
const DATA_VARIABLE = /(^|_)(id|ids|key|keys|uuid|slug|token|user|username|tenant|account|room|topic|session|input|param|params|string|str|text|value)$/;

/** `env.module`, `project.web_namespace`, `opts[:otp_app]`: fields that hold a module or an application name. */
const MODULE_FIELD = /(^|_)(module|mod|namespace|alias|app|endpoint|repo|registry|router)$/;

/** Calls and operators whose result is a count or an index: bounded by the size of something. */
const COUNTS = new Set(["length", "map_size", "tuple_size", "byte_size", "Integer.to_string", "+", "-", "*"]);

/**
 * `module`, `env.module`, `opts[:web_module] || base`: a variable, field or option named like a
 * name that a child's name is derived from, not like data.
 */
function isNameLike(node: SyntaxNode): boolean {
  if (node.type === "identifier") return !DATA_VARIABLE.test(node.text);
  // A record's fields are mostly data (`car.name`): only fields that name a module count.
  const field = fieldName(node);
  if (field !== undefined) return MODULE_FIELD.test(field);
  if (node.type !== "binary_operator" || operatorOf(node) !== "||") return false;
  return [node.childForFieldName("left"), node.childForFieldName("right")].every(
    (side) => side !== null && (isNameLike(side) || isStaticValue(side) || (side.type === "string" && isDerivedName(side, side))),
  );
}

/** `web_namespace` in `project.web_namespace`, `web_module` in `opts[:web_module]`. */
function fieldName(node: SyntaxNode): string | undefined {
  if (node.type === "access_call") {
    const key = node.childForFieldName("key");
    return key?.type === "atom" ? key.text.slice(1) : undefined;
  }
  // A field read has no argument list: `project.web_namespace`, not `project.web_namespace()`.
  const target = node.type === "call" && !node.namedChildren.some((c) => c.type === "arguments") ? node.childForFieldName("target") : null;
  if (target?.type !== "dot" || target.childForFieldName("left")?.type !== "identifier") return undefined;
  return target.childForFieldName("right")?.text;
}

/** A value fixed in the code, a count, configuration, or a variable that an enclosing guard bounds. */
function isBounded(value: SyntaxNode, site: SyntaxNode): boolean {
  if (isStaticValue(value) || isCount(value) || ENVIRONMENT.test(value.text) || ENVIRONMENT_VARIABLE.test(value.text) || isFromAtom(value, site, 3)) return true;
  if (value.type === "binary_operator" && operatorOf(value) === "<>") {
    return [value.childForFieldName("left"), value.childForFieldName("right")].every((part) => part !== null && isBounded(part, site));
  }
  if (value.type !== "identifier") return false;
  return guardsAround(site).some((guard) => boundsVariable(guard, value.text)) || isCheckedBefore(value.text, site) || derivesFrom(value.text, site, 3, (source) => ENVIRONMENT.test(source.text));
}

/** What an allow-list test needs: membership of a known collection. */
const MEMBERSHIP = /\b(Enum\.(any\?|member\?)|Map\.has_key\?|MapSet\.member\?)\(|\sin\s/;

/**
 * `unless Enum.any?(fields, &(&1 == name)), do: raise …` before the conversion: the function
 * refuses anything outside a known set first (Ecto checks JSON paths against a schema's fields).
 */
function isCheckedBefore(name: string, site: SyntaxNode): boolean {
  const def = enclosingDefinition(site);
  const body = def ? definitionBody(def) : undefined;
  if (!body) return false;
  return body.descendantsOfType("call").some((check) => {
    const condition = ["if", "unless"].includes(localCallee(check) ?? "") ? callArguments(check)[0] : undefined;
    if (!condition || check.endIndex > site.startIndex || !MEMBERSHIP.test(condition.text)) return false;
    return identifierUses(condition, name).length > 0 && /\braise\b/.test(check.text);
  });
}

/** Functions that accept only atoms: a value that went through one was an atom already. */
const ATOM_ONLY = new Set(["Atom.to_string", "Atom.to_charlist", "Module.split", ":erlang.atom_to_list", ":erlang.atom_to_binary"]);

/** `&1` in a capture. */
function isCaptureArgument(node: SyntaxNode): boolean {
  return node.type === "unary_operator" && operatorOf(node) === "&" && node.namedChildren[0]?.type === "integer";
}

/** `names` for `&1` in `names |> Enum.map(&String.to_atom(&1))`: what the capture is applied to. */
function enumerated(argument: SyntaxNode): SyntaxNode | undefined {
  let capture = parentOf(argument);
  while (capture && !(capture.type === "unary_operator" && operatorOf(capture) === "&")) capture = parentOf(capture);
  const call = parentOf(parentOf(capture));
  if (!call || remoteCallee(call)?.module !== "Enum") return undefined;
  return effectiveArguments(call)[0];
}

/** Functions that rewrite a name without adding input: `String.upcase(to_string(format))`. */
const NAME_TRANSFORMS = new Set(["to_string", "inspect", "String.upcase", "String.downcase", "String.capitalize", "Macro.underscore", "Macro.camelize"]);

/**
 * `Atom.to_string(field) <> "_confirmation"`, `module |> Module.split() |> hd()`: a string made
 * from an existing atom. Converting it back makes at most one new atom per atom the code already
 * has — a bounded number, unlike atoms made from input.
 */
function isFromAtom(value: SyntaxNode, site: SyntaxNode, depth: number): boolean {
  if (depth === 0) return false;
  const callee = remoteCallee(value);
  const name = callee ? `${callee.module}.${callee.fun}` : localCallee(value);
  if (name && ATOM_ONLY.has(name)) return true;
  if (name && NAME_TRANSFORMS.has(name) && !isPipedInto(value)) {
    const input = callArguments(value)[0];
    return input !== undefined && isFromAtom(input, site, depth);
  }
  if (value.type === "binary_operator" && operatorOf(value) === "|>") {
    const left = value.childForFieldName("left");
    const right = value.childForFieldName("right");
    return (right !== null && isFromAtom(right, site, depth)) || (left !== null && isFromAtom(left, site, depth));
  }
  if (value.type === "string") {
    const parts = value.namedChildren.filter((c) => c.type === "interpolation").flatMap((i) => i.namedChildren);
    return parts.length > 0 && parts.every((part) => isStaticValue(part) || isCount(part) || isFromAtom(part, site, depth));
  }
  if (isCaptureArgument(value)) return isFromAtom(enumerated(value) ?? value, site, depth - 1);
  if (value.type !== "identifier") return false;
  if (guardsAround(site).some((guard) => isAtomGuard(guard, value.text))) return true;
  return derivesFrom(value.text, site, depth - 1, (source) => isFromAtom(source, site, depth - 1));
}

/** Configuration, fixed for the life of the node: as many atoms as settings, not as requests. */
const ENVIRONMENT = /\b(System\.(get_env|fetch_env!?)|Application\.(get_env|fetch_env!?|get_all_env))\b/;

/** `Map.get(env, "LOG_LEVEL")`: a variable read by its environment-variable name, from a map of them. */
const ENVIRONMENT_VARIABLE = /\bMap\.(get|fetch!?)\((\s*\w+\s*,)?\s*"[A-Z][A-Z0-9]*(_[A-Z0-9]+)+"/;

/**
 * True when `name` is bound, in the function around `site`, to a value `isSource` accepts —
 * directly or through up to `depth` other variables (`if node = System.get_env("NODE")`,
 * `for key <- split(env)`, `case Atom.to_string(name) do "Elixir." <> rest -> …`).
 */
function derivesFrom(name: string, site: SyntaxNode, depth: number, isSource: (source: SyntaxNode) => boolean): boolean {
  const def = enclosingDefinition(site);
  const body = def ? definitionBody(def) : undefined;
  if (!body || depth === 0) return false;
  return bindingSources(body, name).some((source) => isSource(source) || source.descendantsOfType("identifier").some((id) => id.text !== name && derivesFrom(id.text, site, depth - 1, isSource)));
}

/** The values `name` is bound from in `body`: `name = v`, `name <- v`, and `case v do …name… ->`. */
function bindingSources(body: SyntaxNode, name: string): SyntaxNode[] {
  const assigned = [...assignments(body), ...assignments(body, "<-")].filter(([left]) => left.text === name).map(([, right]) => right);
  const matched = body
    .descendantsOfType("stab_clause")
    .filter((clause) =>
      clause
        .childForFieldName("left")
        ?.descendantsOfType("identifier")
        .some((id) => id.text === name),
    )
    .map((clause) => parentOf(parentOf(clause)))
    .filter((call) => call !== null && call !== undefined && localCallee(call) === "case")
    .map((call) => callArguments(call!)[0]);
  return [...assigned, ...matched].filter((source): source is SyntaxNode => source !== null && source !== undefined);
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
  for (let n = parentOf(node); n; n = parentOf(n)) {
    const head = n.type === "stab_clause" ? n.childForFieldName("left") : undefined;
    const guard =
      head?.type === "binary_operator" && operatorOf(head) === "when"
        ? head.childForFieldName("right")
        : isDefinition(n)
          ? definitionGuard(n)
          : localCallee(n) === "if"
            ? callArguments(n)[0]
            : undefined;
    if (guard) guards.push(guard);
  }
  return guards;
}

/** `is_atom(name)` or `name in [...]` / `name in @allowed` somewhere in the guard. */
function boundsVariable(guard: SyntaxNode, name: string): boolean {
  if (isAtomGuard(guard, name)) return true;
  return guard.descendantsOfType("binary_operator").some((n) => operatorOf(n) === "in" && n.childForFieldName("left")?.text === name);
}

/** `is_atom(name)` somewhere in the guard. */
function isAtomGuard(guard: SyntaxNode, name: string): boolean {
  return guard.descendantsOfType("call").some((n) => localCallee(n) === "is_atom" && callArguments(n)[0]?.text === name);
}

function isAtomMaker(callee: { module: string; fun: string }): boolean {
  return TO_ATOM.some(([module, fun]) => callee.module === module && callee.fun === fun) || (callee.module === "Module" && callee.fun === "concat");
}

/**
 * Where the atom made by `node` is used as a process name — a `name:` option, `Process.register`,
 * `Keyword.put(opts, :name, …)` — directly, through a pipe, or through a variable bound to it in
 * the same function. Returns the use, or null.
 */
export function processNameUse(node: SyntaxNode, model?: FileModel): SyntaxNode | null {
  return nameUse(node, isNameSlot, model);
}

/** Where the atom made by `node` names an ETS table (`:ets.new(name, [:named_table, …])`): one table, and one atom, per value. */
export function tableNameUse(node: SyntaxNode, model?: FileModel): SyntaxNode | null {
  return nameUse(node, isTableNameSlot, model);
}

/**
 * Where the value `node` produces lands in a slot `isSlot` accepts: directly, through a pipe or
 * an option's default (`opts[:name] || :"…"`, `Keyword.get_lazy(opts, :name, fn -> :"…" end)`),
 * through a variable of the same function, or — with the file's model — through a helper of the
 * module that returns it (`defp table_name(id), do: :"table_#{id}"`).
 */
function nameUse(node: SyntaxNode, isSlot: (value: SyntaxNode) => boolean, model?: FileModel, depth = 2): SyntaxNode | null {
  const value = asOptionDefault(outermostPipe(node));
  if (isSlot(value)) return value;
  const variable = boundVariable(value);
  const def = enclosingDefinition(value);
  const body = def ? definitionBody(def) : undefined;
  if (variable && body) return identifierUses(body, variable).find((use) => use.startIndex > value.endIndex && isSlot(asOptionDefault(use))) ?? null;
  if (!model || depth === 0 || !body || !isReturnedBy(value, body)) return null;
  const clause = model.clauseAt(value);
  const sites = clause ? model.callSitesOf(clause.module, clause.name) : [];
  for (const site of sites) {
    const use = nameUse(site, isSlot, model, depth - 1);
    if (use) return use;
  }
  return null;
}

/** The expression is what the function body returns: its only or last statement. */
function isReturnedBy(value: SyntaxNode, body: SyntaxNode): boolean {
  if (value.id === body.id) return true;
  return body.type === "do_block" && body.namedChildren.at(-1)?.id === value.id;
}

/** `opts[:name] || :"…"`, `Keyword.get(opts, :name, :"…")`, `Keyword.get_lazy(opts, :name, fn -> :"…" end)`: the lookup, whose value the default becomes. */
function asOptionDefault(value: SyntaxNode): SyntaxNode {
  let current = value;
  for (;;) {
    const parent = parentOf(current);
    if (parent?.type === "binary_operator" && operatorOf(parent) === "||" && parent.childForFieldName("right")?.id === current.id) {
      current = parent;
      continue;
    }
    const stab = parent?.type === "body" ? parentOf(parent) : null;
    const fn = stab?.type === "stab_clause" ? parentOf(stab) : null;
    const holder = fn?.type === "anonymous_function" ? fn : current;
    const call = parentOf(holder)?.type === "arguments" ? parentOf(parentOf(holder)) : null;
    if (call && (isRemoteCall(call, "Keyword", ["get", "get_lazy"]) || isRemoteCall(call, "Map", ["get", "get_lazy"])) && effectiveArguments(call)[2]?.id === holder.id) {
      current = call;
      continue;
    }
    return current;
  }
}

function isTableNameSlot(value: SyntaxNode): boolean {
  const call = parentOf(value)?.type === "arguments" ? parentOf(parentOf(value)) : null;
  if (!call || !isRemoteCall(call, ":ets", ["new"])) return false;
  const args = effectiveArguments(call);
  return args[0]?.id === value.id && (args[1]?.text.includes(":named_table") ?? false);
}

/** Calls that address a process by a name it registered elsewhere: the name was made where it was registered. */
const ADDRESSING: ReadonlyArray<[module: string, funs: readonly string[]]> = [
  ["GenServer", ["call", "cast", "whereis", "stop"]],
  ["GenStateMachine", ["call", "cast"]],
  [":gen_statem", ["call", "cast"]],
  [":gen_server", ["call", "cast"]],
  ["Process", ["whereis", "send", "exit"]],
  ["Agent", ["get", "update", "cast"]],
];

/**
 * The atom is used to reach a process by its registered name (`GenServer.call(:"#{id}", …)`),
 * or to name a module being defined (`Module.create(mod, …)`): the atom exists already, or must
 * be created; the finding, if any, belongs where the process is named.
 */
export function isNameReference(node: SyntaxNode): boolean {
  return (
    nameUse(node, (value) => {
      const call = parentOf(value)?.type === "arguments" ? parentOf(parentOf(value)) : null;
      if (!call || effectiveArguments(call)[0]?.id !== value.id) return false;
      if (localCallee(call) === "send" || localCallee(call) === "defmodule") return true;
      if (ADDRESSING.some(([module, funs]) => isRemoteCall(call, module, funs))) return true;
      return isRemoteCall(call, "Module", ["create"]) || isRemoteCall(call, "Code", ["compile_quoted", "compile_string"]);
    }) !== null
  );
}

/** The expressions an atom is made from: the converted value, the interpolated parts, the concatenated parts. */
export function atomInputs(node: SyntaxNode): SyntaxNode[] {
  if (node.type === "quoted_atom") return node.namedChildren.filter((c) => c.type === "interpolation").flatMap((i) => i.namedChildren);
  const callee = remoteCallee(node);
  const args = effectiveArguments(node);
  if (callee?.module === "Module" && callee.fun === "concat") return args.length === 1 && args[0] ? concatenatedParts(args[0]) : args;
  return args.slice(0, 1);
}

/** The whole expression whose value the node produces: `x |> String.to_atom()` for the call. */
function outermostPipe(node: SyntaxNode): SyntaxNode {
  let value = node;
  for (let parent = parentOf(value); parent?.type === "binary_operator" && operatorOf(parent) === "|>" && parent.childForFieldName("right")?.id === value.id; parent = parentOf(value)) {
    value = parent;
  }
  return value;
}

/** `v` in `v = <value>`. */
function boundVariable(value: SyntaxNode): string | undefined {
  const parent = parentOf(value);
  if (parent?.type !== "binary_operator" || operatorOf(parent) !== "=") return undefined;
  if (parent.childForFieldName("right")?.id !== value.id) return undefined;
  const left = parent.childForFieldName("left");
  return left?.type === "identifier" ? left.text : undefined;
}

function isNameSlot(value: SyntaxNode): boolean {
  const parent = parentOf(value);
  if (!parent) return false;
  if (parent.type === "pair") return keywordKey(parent) === "name" && parent.childForFieldName("value")?.id === value.id;
  if (parent.type === "tuple" && parent.namedChildren[0]?.text === ":global") return isNameSlot(parent);
  if (parent.type !== "arguments") return false;
  const call = parentOf(parent);
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

/** What an atom-making expression is made from, when that is not a bounded set. */
export interface AtomJudgement {
  /** How the atom is made, for messages: "`String.to_atom`". */
  maker: string;
  /** `external` when the input comes from outside the program; otherwise `parameter` or `unknown`. */
  origin: Origin;
}

/**
 * Whether an atom-making expression makes atoms from an unbounded set, asked of the value's
 * provenance first: configuration, literals and existing atoms are bounded; outside input is not,
 * whatever it is called. What provenance cannot trace falls back to the shape of the code.
 * `use`: a `name` (of a process, a table) from any unbounded value is a finding; a `value` built
 * as a name per entity (`:"client_#{id}"`) is not, unless its input is outside data.
 */
export function judgeAtom(node: SyntaxNode, provenance: Provenance, use: "value" | "name" = "value"): AtomJudgement | null {
  const inputs = isFunctionCapture(node) ? capturedCollection(node) : atomInputs(node);
  if (inputs.length === 0) return null;
  const origins = inputs.map((input) => provenance.originOf(input));
  if (origins.every(isBoundedOrigin) || isNameReference(node)) return null;
  const maker = atomMaker(node);
  if (origins.includes("external") && !isDistributionName(node)) return { maker: maker ?? describeMaker(node), origin: "external" };
  // `:"brod_client_#{id}"`, `Module.concat(__MODULE__, id)`: a name built per entity — one per
  // configured client, car, table — is bounded by those entities unless the input is outside data.
  if (!maker || (use === "value" && isNameConstruction(node, inputs))) return null;
  return { maker, origin: origins.includes("parameter") ? "parameter" : "unknown" };
}

/** An atom built from a fixed part and a value — an interpolated atom, `Module.concat`, `"prefix_" <> id` — names a thing; it does not convert data. */
function isNameConstruction(node: SyntaxNode, inputs: readonly SyntaxNode[]): boolean {
  if (node.type === "quoted_atom") return true;
  const callee = remoteCallee(node);
  if (callee?.module === "Module" && callee.fun === "concat") return true;
  const input = inputs[0];
  if (input?.type === "string") return input.namedChildren.some((c) => c.type === "quoted_content");
  return input?.type === "binary_operator" && operatorOf(input) === "<>" && [input.childForFieldName("left"), input.childForFieldName("right")].some((side) => side?.type === "string");
}

/** `Enum.map(list, &String.to_atom/1)`: the capture converts the elements of `list`. */
function capturedCollection(capture: SyntaxNode): SyntaxNode[] {
  let call: SyntaxNode | null = parentOf(capture);
  while (call && call.type !== "call") call = parentOf(call);
  const collection = call ? effectiveArguments(call)[0] : undefined;
  return collection && !collection.text.includes(capture.text) ? [collection] : [];
}

function describeMaker(node: SyntaxNode): string {
  if (node.type === "quoted_atom") return 'an interpolated atom `:"…#{}…"`';
  const callee = remoteCallee(node);
  return callee ? `\`${callee.module}.${callee.fun}\`` : "this";
}
