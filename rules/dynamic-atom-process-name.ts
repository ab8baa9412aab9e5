import { parentOf } from "../src/engine/parents.js";
import type { SyntaxNode } from "../src/engine/parser.js";
import { ATOM_MAKER_QUERY, ATOM_WAIVERS, capitalised, judgeAtom, processNameUse, tableNameUse } from "../src/engine/atoms.js";
import { defineRule, PRODUCTION } from "../src/engine/rule.js";

/** `Registry.start_link(name: …)`, `{Registry, keys: :unique, name: …}`: a Registry's own name must be an atom; a via tuple cannot name it. */
function namesARegistry(slot: SyntaxNode): boolean {
  for (let n = parentOf(slot), depth = 0; n && depth < 6; n = parentOf(n), depth++) {
    if (n.type === "call" && /^Registry\.start_link$/.test(n.childForFieldName("target")?.text ?? "")) return true;
    if (n.type === "tuple" && n.namedChildren[0]?.text === "Registry") return true;
  }
  return false;
}

export default defineRule({
  meta: {
    id: "dynamic-atom-process-name",
    severity: "error",
    summary: "A process or ETS table name made into an atom at run time",
    guideSection: "DynamicSupervisor + Registry = Named Dynamic Processes",
    principle: "Use Registry for names—never create atoms dynamically.",
    premise:
      "The guide: use Registry for names — never create atoms dynamically for process names. Evidence: an atom made at run time from a value that is not a bounded set (not a literal, configuration or a name derived from a module) is used as a process name (`name:`, `Process.register`, `Keyword.put(opts, :name, …)`), or as the name of a named ETS table. High confidence when the value comes from outside the program (request params, payloads); a value the file cannot trace (an id passed to `start_link`) is medium, because one name per configured entity is a bounded set. A Registry's own name is not a finding: it must be an atom.",
    messages: {
      default: "{maker} makes a new atom at run time to name a process; atoms are never freed. Name it with a Registry via tuple: `{:via, Registry, {MyApp.Registry, id}}`.",
      table: "{maker} names an ETS table with a new atom per value; atoms are never freed. Drop `:named_table` and keep the table reference (the tid) in the owner's state or a Registry.",
    },
    explanation: `
Atoms are never garbage-collected, and the atom table is finite (1,048,576 entries by default).
Naming a process with an atom built from run-time data — a user id, a tenant, a topic — adds an
atom for every distinct value, forever: a slow leak that ends with the whole node crashing with
\`system_limit\`. It is one of the guide's red flags: *creating atoms dynamically for process names*.

Register dynamic processes in a \`Registry\` instead; any term can be a key:

\`\`\`elixir
defp via_tuple(id), do: {:via, Registry, {MyApp.Registry, id}}

GenServer.start_link(__MODULE__, id, name: via_tuple(id))
\`\`\`

Pair it with a \`DynamicSupervisor\` (or \`PartitionSupervisor\` for millions of children).
Cluster-wide names belong in \`:pg\` or Horde, not in atoms.`,
    appliesTo: PRODUCTION,
    waivedBy: ATOM_WAIVERS,
  },
  query: ATOM_MAKER_QUERY,
  refine({ report }, file) {
    const { model } = file.semantics;
    const process = file.semantics.once(report, "process-name-use", () => processNameUse(report, model));
    const table = process ? null : tableNameUse(report, model);
    if (!process && !table) return null;
    const judged = file.semantics.once(report, "atom-as-name", () => judgeAtom(report, file.semantics.provenance, "name"));
    if (!judged || (process && namesARegistry(process))) return null;
    const values = { maker: capitalised(judged.maker) };
    // A table per configured entity is bounded by the configuration; a table per client is not.
    if (table) return judged.origin === "external" ? { message: "table", values } : null;
    // One name per configured entity (a stack, a tenant from the config) is bounded by that configuration:
    // only outside input proves an unbounded set here.
    return judged.origin === "external" ? { values } : { values, confidence: "medium" };
  },
  examples: {
    valid: [
      {
        note: "A Registry via tuple: any term can name the process.",
        code: `
defmodule MyApp.Session do
  use GenServer

  def start_link(user_id) do
    GenServer.start_link(__MODULE__, user_id, name: {:via, Registry, {MyApp.Registry, user_id}})
  end
end`,
      },
      {
        note: "A name fixed at compile time is bounded.",
        code: `
defmodule MyApp.Cache do
  def start_link(_), do: Agent.start_link(fn -> %{} end, name: :"#{__MODULE__}.Store")
  def child(_), do: GenServer.start_link(Worker, [], name: Module.concat(__MODULE__, Worker))
end`,
      },
      {
        note: "Children named after their parent module, with a fixed suffix: as many names as modules (Phoenix does this).",
        code: `
defmodule MyApp.Presence do
  def start_link(module, opts) do
    Supervisor.start_link(children(module), strategy: :rest_for_one, name: Module.concat(module, "Supervisor"))
  end

  defp process_name(pipeline, base) when is_atom(pipeline), do: :"#{pipeline}.Broadway.#{base}"
  def start_pool(name, adapter), do: Supervisor.start_link(__MODULE__, [], name: :"#{name}#{adapter}_supervisor")
  def start_child(pipeline), do: GenServer.start_link(Worker, [], name: process_name(pipeline, "Producer"))
end`,
      },
      {
        note: "Turning input into an existing atom cannot leak.",
        code: `
defmodule MyApp.Shard do
  def start_link(shard), do: GenServer.start_link(__MODULE__, shard, name: String.to_existing_atom("shard_" <> shard))
end`,
      },
      {
        note: "Tests may name throw-away processes however they like.",
        path: "test/my_app/worker_test.exs",
        code: `
test "starts" do
  start_supervised!({Worker, name: String.to_atom("worker_#{System.unique_integer()}")})
end`,
      },
    ],
    invalid: [
      {
        note: "A name made from outside input is high confidence: every request can create an atom. A name from a value the file cannot trace is medium: one per configured entity is a bounded set.",
        code: `
defmodule MyAppWeb.RoomController do
  def create(conn, %{"room" => room}) do
    # ruleid: dynamic-atom-process-name
    {:ok, _} = GenServer.start_link(MyApp.Room, room, name: String.to_atom("room_" <> room))
    send_resp(conn, 201, "")
  end
end

defmodule MyApp.Room do
  def start_link(room_id) do
    # ruleid: dynamic-atom-process-name (medium)
    GenServer.start_link(__MODULE__, room_id, name: String.to_atom("room_#{room_id}"))
  end
end`,
      },
      {
        note: "Through a variable and a pipe.",
        code: `
defmodule MyApp.Tenant do
  def start_link(tenant) do
    # ruleid: dynamic-atom-process-name (medium)
    name = ("tenant_" <> tenant) |> String.to_atom()
    GenServer.start_link(__MODULE__, tenant, name: name)
  end
end`,
      },
      {
        note: "An interpolated atom, and Process.register.",
        code: `
defmodule MyApp.Worker do
  def init(id) do
    # ruleid: dynamic-atom-process-name (medium)
    Process.register(self(), :"worker_#{id}")
    # ruleid: dynamic-atom-process-name (medium)
    WebSockex.start_link(url(), __MODULE__, id, name: :"stream_#{id.vehicle_id}")
    {:ok, id}
  end

  def child_spec(id) do
    # ruleid: dynamic-atom-process-name (medium)
    %{id: id, start: {__MODULE__, :start_link, [[name: Module.concat(__MODULE__, id)]]}}
  end

  def start_tenant(tenant_id) do
    opts = [strategy: :one_for_one]
    # ruleid: dynamic-atom-process-name (medium)
    opts = Keyword.put(opts, :name, Module.concat([MyApp.Tenant, "Sup#{tenant_id}"]))
    Supervisor.start_link([], opts)
  end
end`,
      },
    ],
  },
});
