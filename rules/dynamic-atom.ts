import { parentOf } from "../src/engine/parents.js";
import { ATOM_MAKER_QUERY, ATOM_WAIVERS, capitalised, judgeAtom, processNameUse } from "../src/engine/atoms.js";
import { effectiveArguments, remoteCallee } from "../src/engine/elixir.js";
import type { SyntaxNode } from "../src/engine/parser.js";
import { defineRule, PRODUCTION } from "../src/engine/rule.js";

/** `keys: :atoms` wherever JSON is decoded: a `Jason.decode` call, a Tesla or Req client's options, a Plug parser. */
const ATOM_KEYS_QUERY = `
(pair key: (keyword) @key value: (atom) @value
  (#match? @key "^keys:")
  (#eq? @value ":atoms")) @report @keys
`;
/** Decoders and the options that reach one. */
const JSON_CONTEXT = /^(Jason|Poison|JSON|Jiffy)$|engine_opts|json_decoder|decode_json|Tesla\.Middleware\.(JSON|DecodeJson)/;

export default defineRule({
  meta: {
    id: "dynamic-atom",
    severity: "warning",
    summary: "An atom made from run-time input",
    guideSection: "DynamicSupervisor + Registry = Named Dynamic Processes",
    principle: "Never create atoms dynamically.",
    premise:
      "Atoms are never freed, so the guide says never to create them dynamically. Evidence: the text an atom is made from comes from outside the program — request params, message or socket payloads, a socket payload, a request body — for high confidence; or an HTTP client atomizes the keys of an API's responses (their schema usually bounds them), or the code atomizes every key of a run-time map, or converts a public function's parameter that the file cannot trace, for medium. Literals, elements of literal lists, configuration, values a guard allow-lists, names derived from atoms the program already has, and names built per entity (`:\"client_#{id}\"`, one per configured client) are bounded and are not findings; nor are atoms that reach a process by the name it registered, atoms that must be created (a module being compiled), conversions a comment about the atoms explains, or those Credo or Sobelow were told to skip.",
    messages: {
      default: '{maker} makes atoms from run-time input, and atoms are never freed. Map the strings you expect to atoms (`%{"asc" => :asc}`), or keep the string.',
      keys: "{maker} turns every key of this map into an atom, and atoms are never freed. Keep string keys, or pick the keys you expect (`Map.take/2`) and convert only those.",
      jsonKeys: "`keys: :atoms` makes an atom of every key in the input, and atoms are never freed. Use `keys: :atoms!` (existing atoms only) or keep string keys.",
    },
    explanation: `
Atoms are never garbage-collected, and the atom table is finite (1,048,576 entries by default).
Every distinct value turned into an atom at run time stays for the life of the node; input from
users, files or the network turns that into a leak that ends with the node crashing with
\`system_limit\`.

Instead:

- \`String.to_existing_atom/1\` when the atom must already exist (it raises otherwise);
- an explicit mapping, \`%{"asc" => :asc, "desc" => :desc}\`, or a guard \`when x in ~w(asc desc)\`;
- \`Jason.decode(json, keys: :atoms!)\`, which only reuses existing atoms — or keep string keys;
- keep the value as a string.

\`\`\`elixir
@directions %{"asc" => :asc, "desc" => :desc}
def order(params), do: Map.fetch!(@directions, params["dir"])
\`\`\`

Code that runs at compile time — module attributes, the module body, macros, \`unquote\` in
generated definitions — makes a fixed number of atoms and is not flagged.`,
    appliesTo: PRODUCTION,
    runsOn: "anywhere",
    waivedBy: ATOM_WAIVERS,
    defersTo: "dynamic-atom-process-name",
  },
  query: ATOM_MAKER_QUERY + ATOM_KEYS_QUERY,
  refine({ report, keys, value }, file) {
    const { semantics } = file;
    if (keys && value) {
      const decoder = jsonDecoder(report);
      if (!decoder) return null;
      const input = decoder.type === "call" && remoteCallee(decoder) ? effectiveArguments(decoder)[0] : undefined;
      // A request parser's options decode every request body: outside input. An HTTP client's decode
      // every response of one API, whose schema bounds the keys unless it returns user data.
      const confidence = decodesClientResponses(report) ? "medium" : !input || semantics.provenance.originOf(input) === "external" ? "high" : "medium";
      return { node: value, message: "jsonKeys", confidence, fix: { node: value, text: ":atoms!" } };
    }
    if (!semantics.isRunTime(report)) return null;
    // A process name is \`dynamic-atom-process-name\`'s finding; the engine leaves it to that rule while it runs.
    // The two atom rules share their query, and so their matches: each fact is computed once for both.
    const namesProcess = semantics.once(report, "process-name-use", () => processNameUse(report, semantics.model)) !== null;
    const judged = semantics.once(report, `atom-as-${namesProcess ? "name" : "value"}`, () => judgeAtom(report, semantics.provenance, namesProcess ? "name" : "value"));
    if (!judged || semantics.comments.mentions(report, /atom/i)) return null;
    const values = { maker: capitalised(judged.maker) };
    if (judged.origin === "external") return { values };
    if (namesProcess) return { values, confidence: "medium" };
    // Atomizing every key of a map is data-driven whatever the map's source.
    if (atomizesKeys(report)) return { message: "keys", values, confidence: "medium" };
    // A public function's parameter: its callers, in other files, decide what it holds.
    const clause = semantics.model.clauseAt(report);
    return judged.origin === "parameter" && clause?.kind === "def" ? { values, confidence: "medium" } : null;
  },
  examples: {
    valid: [
      {
        note: "Waived for another tool that flags the same hazard (Credo's `UnsafeToAtom`, Sobelow's `DOS.StringToAtom`), or explained by a comment about the atoms; tests and mocks; code that only runs in tests.",
        code: `
defmodule MyApp.Teams do
  def access(value) do
    # credo:disable-for-next-line Credo.Check.Warning.UnsafeToAtom
    String.to_atom(value)
  end

  # sobelow_skip ["DOS.StringToAtom"]
  def role(value), do: String.to_atom(value)

  # We cannot use to_existing_atom: the atoms may not be loaded yet, and the server is trusted.
  defp atomize(nil), do: nil
  defp atomize(value), do: String.to_atom(value)

  if Mix.env() == :test do
    def fake(name), do: String.to_atom(name)
  end
end`,
      },
      {
        note: "Mocks live outside `test/` but are not production processes.",
        path: "lib/my_app/mocks/http_mock.ex",
        code: `
defmodule MyApp.HTTPMock do
  def handle(params), do: String.to_atom(params["action"])
end`,
      },
      {
        note: "Names built per entity — one per configured client, car, partition — and atoms used to reach a process by the name it registered, or to name a module being compiled.",
        code: `
defmodule MyApp.Kafka do
  def client_id(connection), do: :"brod_client_#{connection.id}"
  def metric(name), do: Module.concat(__MODULE__, name)
  def get_state(car_id), do: GenServer.call(:"car_#{car_id}", :state)

  def compile(id, ast) do
    module = String.to_atom("Elixir.UserFunction#{id}")
    Module.create(module, ast, Macro.Env.location(__ENV__))
  end
end`,
      },
      {
        note: "Existing atoms only, and literal input.",
        code: `
defmodule MyApp.Params do
  def sort(param), do: String.to_existing_atom(param)
  def default, do: String.to_atom("asc")
  def decode(json), do: Jason.decode!(json, keys: :atoms!)
  def concat, do: Module.safe_concat([MyApp, "Repo"])
end`,
      },
      {
        note: "Bounded input: what a guard allow-lists first (Ecto's URL parsing does this), configuration read from the environment, and node names and cookies, which Erlang distribution takes only as atoms (Livebook does both).",
        code: `
defmodule MyApp.Url do
  @integer_params ~w(port pool_size timeout)

  def parse(query) do
    Enum.reduce(query, [], fn
      {key, value}, acc when key in @integer_params -> [{String.to_atom(key), String.to_integer(value)} | acc]
      _, acc -> acc
    end)
  end

  def sort(dir) when dir in ["asc", "desc"], do: String.to_atom(dir)

  def connect(config) do
    [name, secret] = String.split(config, ":")
    node = String.to_atom(name)
    cookie = String.to_atom(secret)
    Node.set_cookie(node, cookie)
    Node.connect(node)
  end

  def to_atom(string), do: :erlang.binary_to_atom(string, :utf8)
  def partition_name(registry, partition), do: Module.concat(registry, "Partition" <> Integer.to_string(partition))

  def log_metadata!(env) do
    if metadata = System.get_env(env) do
      for item <- String.split(metadata, ","), key = String.trim(item), do: String.to_atom(key)
    end
  end
  def step(multi, index), do: Ecto.Multi.run(multi, :"email_#{index}", &insert/2) |> then(fn m -> {m, :"log_#{length(m.operations)}"} end)
  def level(name), do: if(name in @levels, do: String.to_atom(name), else: :info)
end`,
      },
      {
        note: "Names derived from atoms the code already has — each existing atom yields at most one new one (Ecto, Phoenix and Livebook do this) — and input checked against a known set first.",
        code: `
defmodule MyApp.Names do
  def confirmation_field(field) do
    param = Atom.to_string(field)
    error_param = "#{param}_confirmation"
    String.to_atom(error_param)
  end

  def telemetry_prefix(repo), do: repo |> Module.split() |> Enum.map(&(&1 |> Macro.underscore() |> String.to_atom()))
  def endpoint(project), do: Module.concat(project.web_namespace, Endpoint)
  def join_alias(top, alias) when is_atom(alias), do: Module.concat(top.alias ++ [alias])
  def view(base, format) when is_atom(format), do: :"#{base}#{String.upcase(to_string(format))}"

  def callback({name, arity}) do
    case :erlang.atom_to_list(name) do
      ~c"MACRO-" ++ tail -> {:erlang.list_to_atom(tail), arity - 1}
      _ -> {name, arity}
    end
  end

  def json_field(schema, field) do
    unless Enum.any?(schema.__schema__(:fields), &(Atom.to_string(&1) == field)), do: raise("unknown field #{field}")
    String.to_atom(field)
  end

  def log_level(env), do: env |> Map.get("LOG_LEVEL", "info") |> String.to_atom()
  def node_name(host), do: :"worker_#{System.unique_integer([:positive])}@#{host}"
end`,
      },
      {
        note: "Modules that call Mix from their functions — code reloaders, generators — run only under Mix, never in a release.",
        code: `
defmodule MyApp.CodeReloader do
  def purge(path) do
    for beam <- File.ls!(Mix.Project.compile_path()), do: beam |> Path.rootname() |> String.to_atom() |> :code.purge()
  end
end`,
      },
      {
        note: "Compile time: module attributes, the module body, generated definitions, private helpers only macros call.",
        code: `
defmodule MyApp.Fields do
  @fields Enum.map(~w(name email), &String.to_atom/1)

  for field <- ~w(name email) do
    def unquote(String.to_atom("get_" <> field))(user), do: Map.get(user, unquote(String.to_atom(field)))
  end

  defmacro field(name), do: quote(do: unquote(String.to_atom(name)))

  defmacro resources(path), do: build_helpers(path)
  defp build_helpers(path), do: Module.concat([__MODULE__, Macro.camelize(path), "Helpers"])
end`,
      },
      {
        note: "Mix tasks, their helpers and scripts run once and exit.",
        code: `
defmodule Mix.Tasks.Gen.Report do
  use Mix.Task
  def run([format]), do: MyApp.Report.render(String.to_atom(format))
end

defmodule Mix.MyApp do
  def context_app(app), do: Module.concat([Macro.camelize(app)])
end`,
      },
    ],
    invalid: [
      {
        code: `
defmodule MyApp.Params do
  def sort(params) do
    # ruleid: dynamic-atom
    field = String.to_atom(params["sort"])
    # ruleid: dynamic-atom
    dir = params["dir"] |> String.to_atom()
    # ruleid: dynamic-atom
    filters = Enum.map(params["filters"], &String.to_atom/1)
    {field, dir, filters}
  end
end`,
      },
      {
        note: "Decoders configured once: a request parser atomizes the keys of every request body (high); an HTTP client those of one API's responses, which its schema usually bounds (medium).",
        code: `
defmodule MyAppWeb.Endpoint do
  plug Plug.Parsers,
    parsers: [:json],
    # ruleid: dynamic-atom
    json_decoder: {Jason, :decode!, [[keys: :atoms]]}
end

defmodule MyApp.Weather do
  use Tesla
  # ruleid: dynamic-atom (medium)
  plug Tesla.Middleware.JSON, engine_opts: [keys: :atoms]
end`,
      },
      {
        code: `
defmodule MyApp.Webhook do
  def parse(body) do
    # ruleid: dynamic-atom
    Jason.decode!(body, keys: :atoms)
  end

  def event(conn, %{"type" => type}) do
    # ruleid: dynamic-atom
    {conn, :"event_#{type}", :erlang.binary_to_atom(type, :utf8)}
  end

  def normalise(attrs) do
    # ruleid: dynamic-atom
    Map.new(attrs, fn {key, value} -> {String.to_atom(key), value} end)
  end
end`,
      },
      {
        note: "Outside data inside a built name is still outside data, a lower-case map key is not an environment variable, and Mix used only where it is loaded does not make a module a build tool.",
        code: `
defmodule MyAppWeb.ImportController do
  def api_name(conn, %{"car" => car}) do
    # ruleid: dynamic-atom
    :"api_#{car["name"]}"
  end

  def sort(params) do
    # ruleid: dynamic-atom
    params |> Map.get("sort", "asc") |> String.to_atom()
  end

  def field(conn, %{"name" => name}) do
    if Code.ensure_loaded?(Mix), do: Mix.shell().info("converting #{name}")
    # ruleid: dynamic-atom
    {conn, String.to_atom(name)}
  end
end`,
      },
    ],
  },
});

/**
 * `Map.new(map, fn {k, v} -> {String.to_atom(k), v} end)`, `for {k, v} <- map, into: %{}, do: {String.to_atom(k), v}`:
 * every key of a run-time map becomes an atom.
 */
function atomizesKeys(maker: SyntaxNode): boolean {
  const input = effectiveArguments(maker)[0];
  const tuple = parentOf(maker)?.type === "tuple" ? parentOf(maker) : null;
  if (!input || input.type !== "identifier" || !tuple || tuple.namedChildren[0]?.id !== maker.id || tuple.namedChildren.length !== 2) return false;
  for (let n: SyntaxNode | null = parentOf(tuple); n && n.type !== "do_block"; n = parentOf(n)) {
    const head = n.type === "stab_clause" ? n.childForFieldName("left") : n.type === "binary_operator" && n.text.includes("<-") ? n.childForFieldName("left") : null;
    if (head && new RegExp(`^\\{\\s*${input.text}\\s*,`).test(head.text)) return true;
  }
  return false;
}

/** The call or option that decodes JSON with these options, within a few levels of the pair. */
/** `Tesla.Middleware.JSON, engine_opts: [keys: :atoms]`, `Req.new(decode_json: [keys: :atoms])`: an HTTP client's response decoding. */
const CLIENT_CONTEXT = /^(Tesla\b|Req\b|HTTPoison\b|\{?Tesla\.Middleware\.|plug\(?\s*Tesla\.Middleware\.|decode_json:)/;

function decodesClientResponses(pair: SyntaxNode): boolean {
  let n: SyntaxNode | null = parentOf(pair);
  for (let depth = 0; n && depth < 8; n = parentOf(n), depth++) {
    if (CLIENT_CONTEXT.test(n.text.slice(0, 80))) return true;
  }
  return false;
}

function jsonDecoder(pair: SyntaxNode): SyntaxNode | undefined {
  let n: SyntaxNode | null = parentOf(pair);
  for (let depth = 0; n && depth < 6; n = parentOf(n), depth++) {
    const callee = n.type === "call" ? remoteCallee(n) : null;
    if (callee && JSON_CONTEXT.test(callee.module)) return n;
    if (n.type === "pair" && JSON_CONTEXT.test(n.childForFieldName("key")?.text ?? "")) return n;
    if (n.type === "call" && JSON_CONTEXT.test(n.text.slice(0, 80))) return n;
  }
  return undefined;
}
