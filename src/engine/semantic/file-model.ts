import { callArguments, definitionName, definitionParts, localCallee } from "../elixir.js";
import { compileQuery, type SyntaxNode } from "../parser.js";

/**
 * The engine's picture of one file, built once from one native query and a walk over its
 * results, never by re-walking the tree per question (ESLint's scope manager, not a text match):
 * its modules, their functions and clauses, what each function calls, and which regions of the
 * file run at compile time. Linear in the size of the file; rules ask it, they do not re-derive it.
 */

export type DefinitionKind = "def" | "defp" | "defmacro" | "defmacrop" | "defguard" | "defguardp";

/** One clause of a function: `def name(params) when guard do body end`. */
export interface FunctionClause {
  node: SyntaxNode;
  name: string;
  arity: number;
  kind: DefinitionKind;
  parameters: SyntaxNode[];
  guard: SyntaxNode | undefined;
  body: SyntaxNode | undefined;
  module: ModuleInfo | undefined;
  /**
   * Written inside `quote` of a `__using__` macro: code of every module that uses this one,
   * run at run time there.
   */
  injected: boolean;
  /** Written inside a `quote` that is not a `__using__`'s: generated code, judged where it is used. */
  quoted: boolean;
  /** The names of the local functions this clause calls or captures (`helper(x)`, `&helper/1`). */
  localCalls: Set<string>;
  /** Where it calls them. */
  localCallSites: Array<{ name: string; node: SyntaxNode }>;
  /** The `@doc` written above the function (its first clause), if any. */
  doc: string | undefined;
}

export interface ModuleInfo {
  node: SyntaxNode;
  /** As written: `MyApp.Worker`. */
  name: string;
  /** `use X, …` in the module's own body: `X` as written, and `X, :flavour` for `use MyAppWeb, :live_view`. */
  uses: string[];
  /** `@behaviour X`. */
  behaviours: string[];
  /** Every clause of every function, in source order, by name (with those a `__using__` quote injects). */
  functions: Map<string, FunctionClause[]>;
  /** The text of `@moduledoc`, if any. */
  moduledoc: string | undefined;
  /** The module this one is nested in. */
  parent: ModuleInfo | undefined;
  /** `use X` written inside the `quote` of this module's `__using__`: behaviours of the modules that use it. */
  injectedUses: string[];
}

type RegionKind = "module" | "function" | "quote" | "unquote" | "attribute";

interface Region {
  kind: RegionKind;
  node: SyntaxNode;
  start: number;
  end: number;
  parent: number;
  clause?: FunctionClause;
  module?: ModuleInfo;
  /** For functions: `def`, `defp`, `defmacro`… */
  definition?: DefinitionKind;
}

const DEFINITIONS = new Set<string>(["def", "defp", "defmacro", "defmacrop", "defguard", "defguardp"]);
const STRUCTURE_QUERY = `
(call target: (identifier) @name
  (#any-of? @name "defmodule" "def" "defp" "defmacro" "defmacrop" "defguard" "defguardp" "quote" "unquote" "unquote_splicing")) @call
(unary_operator operator: "@" operand: (_) @attribute_body) @attribute
(call target: (identifier) @local) @local_call
(unary_operator operator: "&" operand: (binary_operator left: (identifier) @captured operator: "/")) @capture
`;

export class FileModel {
  readonly modules: ModuleInfo[] = [];
  readonly clauses: FunctionClause[] = [];
  private readonly regions: Region[] = [];
  private readonly compileTimeHelpers = new Set<FunctionClause>();
  private readonly reachableCache = new Map<ModuleInfo, Map<string, FunctionClause[]>>();
  private readonly callersCache = new Map<ModuleInfo, Map<string, FunctionClause[]>>();
  private readonly callSitesCache = new Map<ModuleInfo, Map<string, SyntaxNode[]>>();

  constructor(readonly root: SyntaxNode) {
    const calls: Array<{ name: string; node: SyntaxNode }> = [];
    const locals: Array<{ name: string; node: SyntaxNode }> = [];
    for (const match of compileQuery(STRUCTURE_QUERY).matches(root)) {
      const byName = Object.fromEntries(match.captures.map((c) => [c.name, c.node]));
      if (byName["call"] && byName["name"]) calls.push({ name: byName["name"].text, node: byName["call"] });
      else if (byName["attribute"]) this.regions.push(region("attribute", byName["attribute"]));
      else if (byName["local_call"] && byName["local"]) locals.push({ name: byName["local"].text, node: byName["local_call"] });
      else if (byName["capture"] && byName["captured"]) locals.push({ name: byName["captured"].text, node: byName["capture"] });
    }
    for (const { name, node } of calls) {
      if (name === "defmodule") this.regions.push(region("module", node));
      else if (DEFINITIONS.has(name)) this.regions.push({ ...region("function", node), definition: name as DefinitionKind });
      else this.regions.push(region(name === "quote" ? "quote" : "unquote", node));
    }
    this.regions.sort((a, b) => a.start - b.start || b.end - a.end);
    this.linkParents();
    this.describe();
    for (const { name, node } of locals) {
      const clause = this.clauseAt(node);
      if (!clause || DEFINITIONS.has(name) || name === "defmodule" || isHeadOf(node, clause.node)) continue;
      clause.localCalls.add(name);
      clause.localCallSites.push({ name, node });
    }
    for (const module of this.modules) this.findCompileTimeHelpers(module);
  }

  /** The innermost module around a node. */
  moduleAt(node: SyntaxNode): ModuleInfo | undefined {
    return this.enclosing(node, (r) => r.kind === "module")?.module;
  }

  /** The innermost function clause whose definition contains the node (head or body). */
  clauseAt(node: SyntaxNode): FunctionClause | undefined {
    return this.enclosing(node, (r) => r.kind === "function")?.clause;
  }

  /** All clauses of a function of the module, by name. */
  functionsNamed(module: ModuleInfo | undefined, name: string): FunctionClause[] {
    return module?.functions.get(name) ?? [];
  }

  /**
   * True when the node runs at run time, inside a function body: not in a module body or an
   * attribute, not in a macro or guard, not in `quote` or `unquote` (except the functions a
   * `__using__` quote defines in the modules that use it), not in a private helper only macros reach.
   */
  isRunTime(node: SyntaxNode): boolean {
    for (let index = this.innermost(node); index >= 0; index = this.regions[index]!.parent) {
      const r = this.regions[index]!;
      if (r.end < node.endIndex) continue;
      switch (r.kind) {
        case "attribute":
        case "unquote":
        case "module":
          return false;
        case "quote":
          return false;
        case "function": {
          const clause = r.clause!;
          if ((clause.kind !== "def" && clause.kind !== "defp") || clause.quoted) return false;
          if (!clause.body || node.startIndex < clause.body.startIndex || node.endIndex > clause.body.endIndex) return false;
          return !this.compileTimeHelpers.has(clause);
        }
      }
    }
    return false;
  }

  /**
   * The clauses of `module` reachable from the functions named `entries`, through local calls:
   * the code that runs when an entry point runs, in the same process unless it is spawned.
   */
  reachable(module: ModuleInfo | undefined, entries: readonly string[], follow?: (clause: FunctionClause, callee: string) => boolean): FunctionClause[] {
    if (!module) return [];
    if (!follow) {
      const key = entries.join(",");
      const cached = this.reachableCache.get(module)?.get(key);
      if (cached) return cached;
      const found = this.reachable(module, entries, () => true);
      this.reachableCache.set(module, (this.reachableCache.get(module) ?? new Map()).set(key, found));
      return found;
    }
    const reached = new Set<string>();
    const pending = entries.filter((name) => module.functions.has(name));
    const clauses: FunctionClause[] = [];
    while (pending.length > 0) {
      const name = pending.pop()!;
      if (reached.has(name)) continue;
      reached.add(name);
      for (const clause of module.functions.get(name)!) {
        clauses.push(clause);
        for (const callee of clause.localCalls) if (module.functions.has(callee) && !reached.has(callee) && follow(clause, callee)) pending.push(callee);
      }
    }
    return clauses;
  }

  /** Where the functions of `module` call `name` locally: the call nodes. */
  callSitesOf(module: ModuleInfo | undefined, name: string): SyntaxNode[] {
    if (!module) return [];
    let byCallee = this.callSitesCache.get(module);
    if (!byCallee) {
      byCallee = new Map();
      for (const clause of [...module.functions.values()].flat()) for (const site of clause.localCallSites) pushTo(byCallee, site.name, site.node);
      this.callSitesCache.set(module, byCallee);
    }
    return byCallee.get(name) ?? [];
  }

  /** The clauses of the same module that call `name` locally. */
  callersOf(module: ModuleInfo | undefined, name: string): FunctionClause[] {
    if (!module) return [];
    let byCallee = this.callersCache.get(module);
    if (!byCallee) {
      byCallee = new Map();
      for (const clause of [...module.functions.values()].flat()) for (const callee of clause.localCalls) pushTo(byCallee, callee, clause);
      this.callersCache.set(module, byCallee);
    }
    return byCallee.get(name) ?? [];
  }

  private enclosing(node: SyntaxNode, accept: (r: Region) => boolean): Region | undefined {
    for (let index = this.innermost(node); index >= 0; index = this.regions[index]!.parent) {
      const r = this.regions[index]!;
      if (r.end >= node.endIndex && accept(r)) return r;
    }
    return undefined;
  }

  /** The index of the last region starting at or before the node that contains it, or -1. */
  private innermost(node: SyntaxNode): number {
    let low = 0;
    let high = this.regions.length - 1;
    let found = -1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (this.regions[mid]!.start <= node.startIndex) {
        found = mid;
        low = mid + 1;
      } else high = mid - 1;
    }
    while (found >= 0 && this.regions[found]!.end < node.endIndex) found = this.regions[found]!.parent;
    return found;
  }

  private linkParents(): void {
    const stack: number[] = [];
    this.regions.forEach((r, index) => {
      while (stack.length > 0 && this.regions[stack.at(-1)!]!.end <= r.start) stack.pop();
      r.parent = stack.at(-1) ?? -1;
      stack.push(index);
    });
  }

  private describe(): void {
    for (const r of this.regions) {
      if (r.kind === "module") {
        r.module = { ...describeModule(r.node), parent: this.parentModule(r), injectedUses: [] };
        this.modules.push(r.module);
      }
    }
    for (const r of this.regions) {
      if (r.kind !== "function") continue;
      const { name, parameters, guard, body } = definitionParts(r.node);
      if (!name) continue;
      const module = this.parentModule(r);
      const { injected, quoted } = this.quoting(r);
      const clause: FunctionClause = {
        node: r.node,
        name,
        arity: parameters.length,
        kind: r.definition!,
        parameters,
        guard,
        body,
        module,
        injected,
        quoted,
        localCalls: new Set(),
        localCallSites: [],
        doc: module?.functions.get(name)?.[0]?.doc ?? docAbove(r.node),
      };
      r.clause = clause;
      this.clauses.push(clause);
      if (name === "__using__" && module) module.injectedUses.push(...usesInQuotes(r.node));
      if (module) pushTo(module.functions, name, clause);
    }
  }

  private parentModule(r: Region): ModuleInfo | undefined {
    for (let index = r.parent; index >= 0; index = this.regions[index]!.parent) {
      if (this.regions[index]!.kind === "module") return this.regions[index]!.module;
    }
    return undefined;
  }

  /** Whether a definition sits inside a `quote`, and whether that quote is a `__using__`'s (injected). */
  private quoting(r: Region): { injected: boolean; quoted: boolean } {
    let quoted = false;
    for (let index = r.parent; index >= 0; index = this.regions[index]!.parent) {
      const outer = this.regions[index]!;
      if (outer.kind === "quote") quoted = true;
      if (outer.kind === "function") {
        const injected = quoted && definitionName(outer.node) === "__using__";
        return { injected, quoted: quoted && !injected };
      }
      if (outer.kind === "module") break;
    }
    return { injected: false, quoted };
  }

  /** Private helpers that only macros reach, directly or through other helpers: they run when the macro expands. */
  private findCompileTimeHelpers(module: ModuleInfo): void {
    const clauses = [...module.functions.values()].flat();
    const names = (kinds: readonly DefinitionKind[]) => clauses.filter((c) => kinds.includes(c.kind)).map((c) => c.name);
    const fromMacros = new Set(this.reachable(module, names(["defmacro", "defmacrop"])).map((c) => c.name));
    if (fromMacros.size === 0) return;
    const fromFunctions = new Set(this.reachable(module, names(["def"])).map((c) => c.name));
    for (const clause of clauses) if (clause.kind === "defp" && fromMacros.has(clause.name) && !fromFunctions.has(clause.name)) this.compileTimeHelpers.add(clause);
  }
}

function region(kind: RegionKind, node: SyntaxNode): Region {
  return { kind, node, start: node.startIndex, end: node.endIndex, parent: -1 };
}

function describeModule(node: SyntaxNode): Omit<ModuleInfo, "parent" | "injectedUses"> {
  const block = node.namedChildren.find((c) => c.type === "do_block");
  const uses: string[] = [];
  const behaviours: string[] = [];
  let moduledoc: string | undefined;
  for (const statement of block?.namedChildren ?? []) {
    const callee = localCallee(statement);
    if (callee === "use") uses.push(...usedModule(statement));
    if (statement.type === "unary_operator" && statement.childForFieldName("operator")?.text === "@") {
      const attribute = statement.namedChildren[0];
      const name = attribute ? localCallee(attribute) : null;
      const value = attribute ? callArguments(attribute)[0] : undefined;
      if (name === "behaviour" && value) behaviours.push(value.text);
      if (name === "moduledoc" && value) moduledoc = value.text;
    }
  }
  return { node, name: callArguments(node)[0]?.text ?? "", uses, behaviours, functions: new Map(), moduledoc };
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** `use X` statements directly inside the `quote` blocks of a `__using__` macro. */
function usesInQuotes(macro: SyntaxNode): string[] {
  return macro
    .descendantsOfType("call")
    .filter((call) => localCallee(call) === "quote")
    .flatMap((quote) => quote.namedChildren.find((c) => c.type === "do_block")?.namedChildren ?? [])
    .filter((statement) => localCallee(statement) === "use")
    .flatMap(usedModule);
}

/** `use GenServer, restart: :temporary` → `GenServer`; `use MyAppWeb, :live_view` → also `MyAppWeb, :live_view`: the flavour says what the module is. */
function usedModule(use: SyntaxNode): string[] {
  const [module, flavour] = callArguments(use);
  const name = module?.text ?? "";
  return flavour?.type === "atom" ? [name, `${name}, ${flavour.text}`] : [name];
}

/** The `@doc` among the attributes right above a definition (`@doc`, `@spec`, `@impl` in any order). */
function docAbove(definition: SyntaxNode): string | undefined {
  for (let sibling = definition.previousNamedSibling; sibling?.type === "unary_operator" && sibling.childForFieldName("operator")?.text === "@"; sibling = sibling.previousNamedSibling) {
    const attribute = sibling.namedChildren[0];
    if (attribute && localCallee(attribute) === "doc") return callArguments(attribute)[0]?.text;
  }
  return undefined;
}

/** `run_task(batch)` in `defp run_task(batch), do: …` (or before its `when`): the clause's own head, not a call. */
function isHeadOf(node: SyntaxNode, definition: SyntaxNode): boolean {
  const head = definition.namedChildren.find((child) => child.type === "arguments")?.namedChildren[0];
  return head !== undefined && (head.id === node.id || (head.type === "binary_operator" && head.childForFieldName("left")?.id === node.id));
}
