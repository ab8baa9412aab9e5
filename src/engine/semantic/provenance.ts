import { parentOf } from "../parents.js";
import { callArguments, effectiveArguments, isStaticValue, localCallee, operatorOf, remoteCallee } from "../elixir.js";
import type { SyntaxNode } from "../parser.js";
import type { FileModel, FunctionClause } from "./file-model.js";

/**
 * Where a value comes from, so that "is this atom made from outside input?" is a question of
 * provenance, not of a variable's name (CodeQL's local data flow, in miniature).
 *
 * - `static`: fixed when the code is written — a literal, an attribute, an element of a literal
 *   list, a count, a value a guard allow-lists;
 * - `config`: the node's configuration — environment variables, application config, start options;
 * - `atom`: made from an atom the program already has (`Atom.to_string`, `Module.split`);
 * - `external`: from outside the program — request params, message and socket payloads, decoded
 *   JSON, bytes read from a socket or a file;
 * - `parameter`: a parameter of the function, not traced further;
 * - `unknown`: anything else.
 */
export type Origin = "static" | "config" | "atom" | "external" | "parameter" | "unknown";

/** Origins that make a bounded set of values over the life of a node. */
export function isBoundedOrigin(origin: Origin): boolean {
  return origin === "static" || origin === "config" || origin === "atom";
}

const CONFIG = /^(System\.(get_env|fetch_env!?)|Application\.(get_env|fetch_env!?|get_all_env|compile_env!?))$/;
const ATOM_ONLY = new Set(["Atom.to_string", "Atom.to_charlist", "Module.split", ":erlang.atom_to_list", ":erlang.atom_to_binary", "inspect"]);
const NAME_TRANSFORMS = new Set(["to_string", "String.upcase", "String.downcase", "String.capitalize", "Macro.underscore", "Macro.camelize", "String.trim", "Path.basename", "Path.rootname"]);
const COUNTS = new Set(["length", "map_size", "tuple_size", "byte_size", "Integer.to_string", "System.unique_integer", "Enum.count", "+", "-", "*"]);
/** Calls whose result is data from outside the program: the network, a client, a terminal. */
const EXTERNAL_CALLS = /^Plug\.Conn\.(get_req_header|fetch_query_params|read_body)$|^(:gen_tcp|:ssl|:gen_udp)\.recv$|^IO\.(gets|read)$|^(Req|HTTPoison|Tesla|Finch)\.\w+!?$/;
/** Decoders: their result comes from wherever their input came from (a configured URL's query is configuration). */
const DECODERS =
  /^(Jason|Poison|JSON|:json|Jiffy)\.decode!?$|^:erlang\.binary_to_term$|^URI\.(decode_query|decode|query_decoder|parse)$|^Base\.(decode64|url_decode64)!?$|^Protobuf\.decode$|^Map\.(keys|values|to_list)$/;
/** Calls that hand each element of their first argument to the function they are given. */
const ENUMERATING = /^(Enum|Stream|Map|Keyword|Task)\.\w+$/;
/** Parameters that hold what a client sent: a controller's `params`, a LiveView's and a channel's payload. */
const PAYLOAD_CALLBACKS: Readonly<Record<string, number>> = { handle_event: 1, handle_in: 1, handle_params: 0, mount: 0 };
const PAYLOAD_NAME = /^(params|payload|body|body_params|query_params|path_params|attrs|args)$/;
/** Fields of a `conn`, a socket or a response that carry a client's data. */
const EXTERNAL_FIELD = /\.(params|body_params|query_params|path_params|req_headers|body|assigns\.current_user)\b/;

/** `opts[:name]`, `Keyword.get(opts, :otp_app)`: a start option that names something. */
const CONFIGURED_NAME = /:(name|\w+_name|module|\w+_module|prefix|otp_app|app|registry|supervisor|pool|repo|scope)\b/;
const START_OPTIONS = /\b(opts|options|config|init_arg|args|start_opts)\b/;

interface Binding {
  pattern: SyntaxNode;
  value: SyntaxNode | undefined;
  /** `=` and `<-` bind from where they end; a `case`/`fn` clause's pattern binds inside the clause. */
  kind: "assignment" | "clause";
  /** The assignment, or the clause. */
  scope: SyntaxNode;
}

export class Provenance {
  private readonly bindings = new Map<FunctionClause, Map<string, Binding[]>>();

  constructor(private readonly model: FileModel) {}

  /** Where the value of `expr`, at its place in the code, comes from. */
  originOf(expr: SyntaxNode, depth = 4): Origin {
    if (isStaticValue(expr)) return "static";
    const text = expr.text;
    if (EXTERNAL_FIELD.test(text) && /^(conn|socket|resp|response|req|request)\b/.test(text)) return "external";
    switch (expr.type) {
      case "string":
      case "quoted_atom":
      case "charlist":
        return this.combine(
          expr.namedChildren.filter((c) => c.type === "interpolation").flatMap((i) => i.namedChildren),
          depth,
        );
      case "list":
      case "tuple":
        return this.combine(expr.namedChildren, depth);
      case "binary_operator":
        return this.operatorOrigin(expr, depth);
      case "identifier":
        return this.variableOrigin(expr, depth);
      case "access_call": {
        const subject = expr.childForFieldName("target") ?? expr.namedChildren[0];
        return subject ? this.fieldOrigin(this.originOf(subject, depth), expr) : "unknown";
      }
      case "call":
        return this.callOrigin(expr, depth);
      case "unary_operator":
        return operatorOf(expr) === "&" && expr.namedChildren[0]?.type === "integer" ? this.captureOrigin(expr, depth) : "unknown";
      default:
        return "unknown";
    }
  }

  private operatorOrigin(expr: SyntaxNode, depth: number): Origin {
    const operator = operatorOf(expr);
    const left = expr.childForFieldName("left");
    const right = expr.childForFieldName("right");
    if (COUNTS.has(operator ?? "")) return "static";
    if (operator === "|>" && right) {
      const callee = remoteCallee(right);
      const name = callee ? `${callee.module}.${callee.fun}` : localCallee(right);
      if (name && ATOM_ONLY.has(name)) return "atom";
      if (name && CONFIG.test(name)) return "config";
      if (name && EXTERNAL_CALLS.test(name)) return "external";
      if (name && DECODERS.test(name) && left) return this.originOf(left, depth);
      return left ? throughCall(this.originOf(left, depth), name) : "unknown";
    }
    if (operator === "<>" || operator === "++" || operator === "||")
      return this.combine(
        [left, right].filter((n): n is SyntaxNode => n !== null),
        depth,
      );
    return "unknown";
  }

  private callOrigin(expr: SyntaxNode, depth: number): Origin {
    const callee = remoteCallee(expr);
    const name = callee ? `${callee.module}.${callee.fun}` : localCallee(expr);
    if (!name) return "unknown";
    if (COUNTS.has(name)) return "static";
    if (ATOM_ONLY.has(name)) return "atom";
    if (CONFIG.test(name)) return "config";
    if (EXTERNAL_CALLS.test(name)) return "external";
    if (DECODERS.test(name)) {
      const input = effectiveArguments(expr)[0];
      return input ? this.originOf(input, depth) : "unknown";
    }
    // `env.module`, `project.web_namespace`: a field read (no argument list) of a record.
    const target = expr.childForFieldName("target");
    if (target?.type === "dot" && !expr.namedChildren.some((c) => c.type === "arguments")) {
      const subject = target.childForFieldName("left");
      return subject ? this.fieldOrigin(this.originOf(subject, depth), expr) : "unknown";
    }
    const args = effectiveArguments(expr);
    if (name === "Map.get" || name === "Map.fetch!" || name === "Keyword.get" || name === "Keyword.fetch!") {
      const envName = args[1]?.type === "string" && /^"[A-Z][A-Z0-9_]+"$/.test(args[1].text);
      return envName ? "config" : args[0] ? this.fieldOrigin(this.originOf(args[0], depth), expr) : "unknown";
    }
    const input = args[0];
    if (keepsOrigin(name)) return input ? this.originOf(input, depth) : "unknown";
    return "unknown";
  }

  /**
   * A field of a value: external data's fields are external, configuration's are configuration.
   * A start function's `opts[:name]`, `Keyword.get(opts, :otp_app)` are the names its supervisor
   * configured: one per configured child.
   */
  private fieldOrigin(subject: Origin, access: SyntaxNode): Origin {
    if (subject === "external" || subject === "config" || subject === "static") return subject;
    if (subject === "parameter") return CONFIGURED_NAME.test(access.text) && START_OPTIONS.test(access.text) ? "config" : "parameter";
    return "unknown";
  }

  /** `&1` in `Enum.map(list, &String.to_atom(&1))`: an element of `list`. */
  private captureOrigin(argument: SyntaxNode, depth: number): Origin {
    let capture = parentOf(argument);
    while (capture && !(capture.type === "unary_operator" && operatorOf(capture) === "&")) capture = parentOf(capture);
    const call = parentOf(parentOf(capture));
    const callee = call ? remoteCallee(call) : null;
    if (!call || !callee || !ENUMERATING.test(`${callee.module}.${callee.fun}`)) return "unknown";
    const list = effectiveArguments(call)[0];
    return list ? this.originOf(list, depth - 1) : "unknown";
  }

  private combine(parts: readonly SyntaxNode[], depth: number): Origin {
    const origins = parts.map((part) => this.originOf(part, depth));
    if (origins.includes("external")) return "external";
    if (origins.every(isBoundedOrigin)) return origins.includes("config") ? "config" : origins.includes("atom") ? "atom" : "static";
    return origins.includes("parameter") ? "parameter" : "unknown";
  }

  private variableOrigin(variable: SyntaxNode, depth: number): Origin {
    if (variable.text === "__MODULE__") return "static";
    const clause = this.model.clauseAt(variable);
    if (!clause || depth <= 0) return "unknown";
    if (guardsBound(variable)) return "static";
    const binding = this.nearestBinding(clause, variable);
    if (!binding) return this.parameterOrigin(clause, variable.text);
    return binding.value ? this.originOf(binding.value, depth - 1) : this.parameterOrigin(clause, variable.text);
  }

  /**
   * The binding a use of a variable sees: the last assignment finished before it, else the
   * pattern of the innermost `case`/`fn` clause around it, else none (a parameter).
   */
  private nearestBinding(clause: FunctionClause, variable: SyntaxNode): Binding | undefined {
    const candidates = this.bindingsOf(clause).get(variable.text) ?? [];
    let nearest: Binding | undefined;
    for (const binding of candidates) {
      const scope = binding.scope;
      const visible = binding.kind === "assignment" ? scope.endIndex <= variable.startIndex : scope.startIndex <= variable.startIndex && variable.endIndex <= scope.endIndex;
      if (visible && (!nearest || binding.scope.startIndex >= nearest.scope.startIndex)) nearest = binding;
    }
    return nearest;
  }

  /** A parameter: a client's payload in request callbacks, start options in `init`/`start_link`, otherwise untraced. */
  private parameterOrigin(clause: FunctionClause, name: string): Origin {
    const index = clause.parameters.findIndex((p) => p.descendantsOfType("identifier").some((id) => id.text === name) || p.text === name);
    if (index < 0) return "unknown";
    // A controller action, a plug or a channel handler: `(conn, params)`, `(socket, payload)`.
    const param = clause.parameters[index];
    const servesConnection =
      index === 1 &&
      /^_?(conn|socket)$/.test(clause.parameters[0]?.text ?? "") &&
      (param?.type === "map" || (param?.type === "binary_operator" && param.text.includes("%{")) || PAYLOAD_NAME.test(name));
    if (PAYLOAD_CALLBACKS[clause.name] === index || servesConnection || (PAYLOAD_NAME.test(name) && index <= 1)) return "external";
    return "parameter";
  }

  /** Every binding in the clause by variable name: its parameters, `=`, `<-`, and the patterns of `case`/`fn` clauses. */
  private bindingsOf(clause: FunctionClause): Map<string, Binding[]> {
    const known = this.bindings.get(clause);
    if (known) return known;
    const found = new Map<string, Binding[]>();
    const add = (pattern: SyntaxNode, value: SyntaxNode | undefined, kind: Binding["kind"], scope: SyntaxNode) => {
      const names =
        pattern.type === "identifier" ? [pattern] : pattern.descendantsOfType("identifier").filter((id) => parentOf(id)?.type !== "call" || parentOf(id)!.childForFieldName("target")?.id !== id.id);
      for (const id of names) {
        const list = found.get(id.text);
        const binding: Binding = { pattern: id, value, kind, scope };
        if (list) list.push(binding);
        else found.set(id.text, [binding]);
      }
    };
    if (clause.body) {
      for (const op of clause.body.descendantsOfType("binary_operator")) {
        const operator = operatorOf(op);
        const left = op.childForFieldName("left");
        const right = op.childForFieldName("right");
        if (!left || !right) continue;
        if (operator === "=") add(left, right, "assignment", op);
        // `for x <- list, do: …` and `with {:ok, x} <- f()`: x is seen after the arrow.
        else if (operator === "<-") add(left, right, "assignment", op);
      }
      for (const clauseNode of clause.body.descendantsOfType("stab_clause")) {
        const head = clauseNode.childForFieldName("left");
        if (head) add(head, subjectOf(clauseNode), "clause", clauseNode);
      }
    }
    this.bindings.set(clause, found);
    return found;
  }
}

/** Transformations of a value — `String.*`, `Enum.*`, `elem`, name rewrites — that keep where it came from. */
function keepsOrigin(name: string | null): boolean {
  return name !== null && (NAME_TRANSFORMS.has(name) || name.startsWith("String.") || name.startsWith("Enum.") || name.startsWith("List.") || name === "elem" || name === "hd");
}

/** A value passed through a call keeps its origin when the call only transforms it; otherwise only `external` survives. */
function throughCall(origin: Origin, name: string | null): Origin {
  return keepsOrigin(name) ? origin : origin === "external" ? "external" : "unknown";
}

/** `when x in @allowed`, `when is_atom(x)`: a guard of an enclosing clause that bounds the variable. */
function guardsBound(variable: SyntaxNode): boolean {
  for (let n = parentOf(variable); n; n = parentOf(n)) {
    const guard = n.type === "stab_clause" ? n.childForFieldName("left") : localCallee(n) === "def" || localCallee(n) === "defp" ? callArguments(n)[0] : undefined;
    const when =
      guard?.type === "binary_operator" && operatorOf(guard) === "when"
        ? guard.childForFieldName("right")
        : guard
            ?.descendantsOfType("binary_operator")
            .find((b) => operatorOf(b) === "when")
            ?.childForFieldName("right");
    if (!when) continue;
    const name = variable.text;
    if (new RegExp(`\\b(is_atom|is_boolean|is_integer)\\(${name}\\)|\\b${name}\\s+in\\s+(@|\\[|~w)`).test(when.text)) return true;
  }
  return false;
}

/**
 * The value a `case`'s clauses match (`case v do pattern -> …`), or the collection an
 * `Enum.map(list, fn x -> …)` clause receives one element of.
 */
function subjectOf(stab: SyntaxNode): SyntaxNode | undefined {
  const enumerated = enumeratedBy(stab);
  if (enumerated) return enumerated;
  const call = parentOf(parentOf(stab));
  return call && localCallee(call) === "case" ? callArguments(call)[0] : undefined;
}

function enumeratedBy(stab: SyntaxNode): SyntaxNode | undefined {
  const fn = parentOf(stab);
  if (fn?.type !== "anonymous_function") return undefined;
  const call = parentOf(parentOf(fn));
  const callee = call ? remoteCallee(call) : null;
  return call && callee && ENUMERATING.test(`${callee.module}.${callee.fun}`) ? effectiveArguments(call)[0] : undefined;
}
