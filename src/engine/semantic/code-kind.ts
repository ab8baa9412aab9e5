import { parentOf } from "../parents.js";
import { callArguments, localCallee, remoteCallee } from "../elixir.js";
import type { FileKind } from "../file-kind.js";
import type { SyntaxNode } from "../parser.js";
import type { FileModel, FunctionClause, ModuleInfo } from "./file-model.js";

/**
 * What kind of code a function is. Most rules are about long-lived production processes; the
 * rest run once, under Mix, in tests, or only on a developer's machine. Decided per function:
 * one `Mix.raise` in a rescue makes that function build tooling, not its whole module.
 */
export type CodeKind = "production" | "request" | "script" | "test" | "mock" | "example" | "dev-tool" | "mix-task";

export const CODE_KINDS: readonly CodeKind[] = ["production", "request", "script", "test", "mock", "example", "dev-tool", "mix-task"];

/** Code a long-lived node runs: its processes, and the handling of requests. */
export const PRODUCTION: readonly CodeKind[] = ["production", "request"];

/** Every kind of code: for rules about mistakes that are wrong anywhere. */
export const ALL_KINDS: readonly CodeKind[] = CODE_KINDS;

/** Path segments that say what a file is, for files the policy counts as production. */
const PATH_KINDS: ReadonlyArray<[RegExp, CodeKind]> = [
  [/(^|\/)(lib\/)?mix\/tasks\//, "mix-task"],
  [/(^|\/)(mocks?|fakes?|stubs?)\/|_(mock|fake|stub)\.ex$/, "mock"],
  [/(^|\/)(examples?|samples?|demos?|templates?|installer|guides)(_\w+)?\//, "example"],
  [/(^|\/)(bench|benchmarks?|benchmarking|load_?tests?|perf|dev|tools|scripts|simulators?)\//, "dev-tool"],
];

/** Module name segments that say what a module is. */
const NAME_KINDS: ReadonlyArray<[RegExp, CodeKind]> = [
  [/^(ExUnit|Test|Testing|TestHelpers?|TestSupport|\w+Test|\w+Case|Factory|Factories|Fixtures?)$/, "test"],
  [/^(Mocks?|Fakes?|Stubs?|\w+Mock|\w+Fake|\w+Stub)$/, "mock"],
  [/^(Examples?|Demo|Samples?)$/, "example"],
  [
    /^(Bench|Benchmarks?|\w+Bench|\w+Benchmark|LoadTest|\w+Simulator|Simulator|IEx|IExHelpers|Debug|Debugger|Dev|DevTools|Intellisense|Autocomplete|Completion|CodeReloader|LiveReloader|Reloader)$/,
    "dev-tool",
  ],
  [/^(Release|ReleaseTasks|Seeds?|CLI|\w+CLI)$/, "script"],
];

/** `use MyAppWeb, :controller`, `use Phoenix.LiveView`: modules whose functions serve one request or one connection. */
const REQUEST_USE = /(:controller|:live_view|:live_component|:channel|Phoenix\.(Controller|LiveView|LiveComponent|Channel)|Plug\.(Router|Builder)|Absinthe\.Schema)/;
const REQUEST_NAME = /(Controller|Live|LiveView|Component|Channel|Resolvers?|Plug|Router)$/;

/** `Mix.env/0` and `Mix.target/0` are read at compile time by ordinary application code. */
const MIX_AT_COMPILE_TIME = new Set(["env", "target"]);

export class CodeKinds {
  private readonly byClause = new Map<FunctionClause, CodeKind>();
  private readonly pathKind: CodeKind | undefined;

  constructor(
    private readonly model: FileModel,
    private readonly fileKind: FileKind,
    path: string,
  ) {
    this.pathKind = PATH_KINDS.find(([pattern]) => pattern.test(path))?.[1];
  }

  /** The kind of the code at a node: its file's, refined by path, module, function and the branch it sits in. */
  kindAt(node: SyntaxNode): CodeKind {
    if (this.fileKind !== "production") return this.fileKind;
    if (this.pathKind) return this.pathKind;
    const guarded = environmentBranch(node);
    if (guarded) return guarded;
    const clause = this.model.clauseAt(node);
    if (clause) return this.kindOfClause(clause);
    return this.kindOfModule(this.model.moduleAt(node));
  }

  kindOfClause(clause: FunctionClause): CodeKind {
    const known = this.byClause.get(clause);
    if (known) return known;
    this.byClause.set(clause, this.kindOfModule(clause.module)); // provisional, breaks call cycles
    const kind = this.decideClause(clause);
    this.byClause.set(clause, kind);
    return kind;
  }

  private decideClause(clause: FunctionClause): CodeKind {
    const moduleKind = this.kindOfModule(clause.module);
    if (moduleKind !== "production" && moduleKind !== "request") return moduleKind;
    const own = clause.body ? toolingCall(clause.body) : undefined;
    if (own) return own;
    // A private helper is what its callers are: one only a Mix-calling function calls is tooling too.
    if (clause.kind === "defp" && clause.module) {
      const callers = this.model.callersOf(clause.module, clause.name).filter((caller) => caller.name !== clause.name);
      const kinds = new Set(callers.map((caller) => this.kindOfClause(caller)));
      if (kinds.size === 1) {
        const [only] = kinds;
        if (only !== "production" && only !== "request") return only!;
      }
    }
    return moduleKind;
  }

  private kindOfModule(module: ModuleInfo | undefined): CodeKind {
    if (!module) return "production";
    for (let m: ModuleInfo | undefined = module; m; m = m.parent) {
      const segments = m.name.split(".");
      if (segments[0] === "Mix") return segments[1] === "Tasks" ? "mix-task" : "dev-tool";
      if (m.uses.includes("Mix.Task")) return "mix-task";
      if (m.uses.some((use) => use.startsWith("ExUnit."))) return "test";
      for (const segment of segments) {
        const kind = NAME_KINDS.find(([pattern]) => pattern.test(segment))?.[1];
        if (kind) return kind;
      }
    }
    const last = module.name.split(".").at(-1) ?? "";
    return module.uses.some((use) => REQUEST_USE.test(use)) || REQUEST_NAME.test(last) ? "request" : "production";
  }
}

/**
 * `if Mix.env() == :test do … end`, `if Mix.env() in [:dev, :test]`: code that only runs in
 * tests or development, wherever it sits.
 */
function environmentBranch(node: SyntaxNode): CodeKind | undefined {
  for (let n = parentOf(node); n; n = parentOf(n)) {
    const name = localCallee(n);
    if (name !== "if" && name !== "unless") continue;
    const condition = callArguments(n)[0]?.text ?? "";
    if (!/Mix\.env\(\)|config_env\(\)/.test(condition)) continue;
    const environments = [...condition.matchAll(/:(test|dev|prod)\b/g)].map((m) => m[1]);
    if (name === "if" && condition.includes("!=") && environments.length === 1 && environments[0] === "prod") return "dev-tool";
    if (name === "if" && !environments.includes("prod") && !condition.includes("!=")) return environments.includes("test") ? "test" : "dev-tool";
  }
  return undefined;
}

/**
 * Calls that only make sense off a production node: Mix (absent from releases), IEx, halting
 * the VM. One in a function makes that function tooling or a script.
 */
function toolingCall(body: SyntaxNode): CodeKind | undefined {
  for (const call of body.descendantsOfType("call")) {
    const callee = remoteCallee(call);
    if (!callee) continue;
    if ((callee.module === "Mix" || callee.module.startsWith("Mix.")) && !(callee.module === "Mix" && MIX_AT_COMPILE_TIME.has(callee.fun)) && !isOptionalUse(call)) return "dev-tool";
    if (callee.module === "IEx" || callee.module.startsWith("IEx.")) return "dev-tool";
    if (callee.module === "System" && callee.fun === "halt") return "script";
  }
  return undefined;
}

/** `if Code.ensure_loaded?(Mix) do Mix.… end`: the code also runs where Mix is absent. */
function isOptionalUse(call: SyntaxNode): boolean {
  for (let n = parentOf(call); n; n = parentOf(n)) {
    if (localCallee(n) === "if" && /\b(Code\.ensure_loaded\??|function_exported\?)\(/.test(callArguments(n)[0]?.text ?? "")) return true;
  }
  return false;
}
