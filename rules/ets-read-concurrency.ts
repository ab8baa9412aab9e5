import { effectiveArguments, remoteCallee } from "../src/engine/elixir.js";
import type { SyntaxNode } from "../src/engine/parser.js";
import { defineRule, PRODUCTION, type SourceFile } from "../src/engine/rule.js";
import { runsInStatefulProcess } from "../src/engine/semantic/processes.js";

const READS = new Set(["lookup", "lookup_element", "select", "match", "match_object", "member", "tab2list", "foldl", "foldr", "first", "next", "select_count"]);
const WRITES = new Set(["insert", "insert_new", "delete", "delete_object", "update_counter", "update_element", "match_delete", "select_delete"]);
/** Writes that mark a table tuned for many writers: counters and metrics. */
const HOT_WRITES = new Set(["update_counter", "update_element", "insert_new"]);

export default defineRule({
  meta: {
    id: "ets-read-concurrency",
    severity: "info",
    summary: "A shared ETS table (`:named_table` or `:public`) without `read_concurrency`",
    guideSection: "The Iron Law",
    principle: "The ETS pattern: GenServer owns ETS table, writes serialize through GenServer, reads bypass it entirely with `:read_concurrency`.",
    premise:
      "The guide's ETS pattern: the owner writes, readers bypass it with `:read_concurrency`. Evidence: a named or public table, created without `read_concurrency` or `write_concurrency`, that this file reads from functions other processes run (client functions, not the owner's callbacks), and does not update as a counter. A table with no read in the file (its readers are unknown), one only its owner reads, one that other processes write too, or one updated as a counter is not a finding: there the option does not help or makes things slower.",
    messages: { default: "Other processes read this table, but it is not tuned for concurrent reads. Add `read_concurrency: true`." },
    explanation: `
The point of putting data in a shared ETS table is that readers bypass the owning process and
read in parallel. Without \`read_concurrency: true\`, concurrent readers of the same table contend
on its lock; with it, ETS uses reader-optimised locks, made for tables read far more often than
written — caches, configuration, lookup tables.

\`\`\`elixir
:ets.new(:prices, [:named_table, :public, read_concurrency: true])
\`\`\`

Tables read by one process only (\`:private\`, or unnamed protected tables used by their owner) do not
need it, and are not flagged. Neither are tables tuned with \`write_concurrency\`: counters and
metrics written by many processes are a different workload, where \`read_concurrency\` makes the
switches between reading and writing more expensive.`,
    appliesTo: PRODUCTION,
  },
  query: `
(call target: (dot left: (atom) @module right: (identifier) @fun)
  (#eq? @module ":ets")
  (#eq? @fun "new")) @report
`,
  refine({ report }, file) {
    const [table, options] = effectiveArguments(report);
    if (!table || options?.type !== "list") return null;
    const names = options.namedChildren.flatMap(optionNames);
    const shared = names.includes("named_table") || names.includes("public");
    // A table tuned for writes was tuned on purpose: read_concurrency makes mixed workloads slower.
    if (!shared || names.includes("private") || names.includes("read_concurrency") || names.includes("write_concurrency")) return null;
    const use = tableUse(file, report, table);
    // Readers elsewhere are unknown; a table others write to is a write workload, not a read cache.
    if (use.hotWrites || use.foreignReads === 0 || use.foreignWrites > 0) return null;
    return { fix: { node: options, text: `${options.text.slice(0, -1).trimEnd()}, read_concurrency: true]` } };
  },
  examples: {
    valid: [
      {
        code: `
defmodule MyApp.Cache do
  def init(_) do
    :ets.new(:prices, [:named_table, :public, read_concurrency: true])
    :ets.new(:sessions, [:set, :named_table, {:read_concurrency, true}, {:write_concurrency, true}])
    {:ok, :ets.new(:scratch, [:set, :private])}
  end
end`,
      },
      {
        note: "Read only by its owner, written by every caller, updated as a counter, or read nowhere in sight: the option would not help, or would make the mixed workload slower.",
        code: `
defmodule MyApp.Store do
  use GenServer
  def init(_), do: {:ok, :ets.new(:store_rows, [:ordered_set, :named_table, :protected])}
  def handle_call({:get, key}, _from, table), do: {:reply, :ets.lookup(:store_rows, key), table}
end

defmodule MyApp.TmpFiles do
  def init(_), do: {:ok, :ets.new(:tmp_files, [:named_table, :public])}
  def track(path), do: :ets.insert(:tmp_files, {self(), path})
  def cleanup(pid), do: :ets.lookup(:tmp_files, pid)
end

defmodule MyApp.Stats do
  def init(_), do: {:ok, :ets.new(:hits, [:named_table, :public])}
  def hit(key), do: :ets.update_counter(:hits, key, 1, {key, 0})
  def get(key), do: :ets.lookup(:hits, key)
end

defmodule MyApp.Events do
  def init(_), do: {:ok, :ets.new(:events, [:named_table, :public])}
end`,
      },
    ],
    invalid: [
      {
        note: "The ETS pattern without the option: the owner writes, any process reads.",
        code: `
defmodule MyApp.Prices do
  use GenServer

  def init(_) do
    # ruleid: ets-read-concurrency
    :ets.new(:prices, [:named_table, :protected])
    {:ok, %{}}
  end

  def get(sku), do: :ets.lookup(:prices, sku)
  def handle_cast({:put, sku, price}, state) do
    :ets.insert(:prices, {sku, price})
    {:noreply, state}
  end
end`,
      },
    ],
  },
});

/** `:public` → public; `read_concurrency: true` / `{:read_concurrency, true}` → read_concurrency. */
function optionNames(option: SyntaxNode): string[] {
  if (option.type === "atom") return [option.text.slice(1)];
  if (option.type === "tuple") return [option.namedChildren[0]?.text.slice(1) ?? ""];
  if (option.type === "keywords") return option.namedChildren.map((pair) => pair.childForFieldName("key")?.text.replace(/:\s*$/, "") ?? "");
  return [];
}

/**
 * How the file uses the table: reads, reads from functions that run in other processes than the
 * owner (anything but the owning process's callbacks), and counter-style writes. The table is
 * named by its first argument to `:ets.new` (`:prices`, `__MODULE__`, `@table`).
 */
function tableUse(file: SourceFile, creation: SyntaxNode, table: SyntaxNode): { foreignReads: number; foreignWrites: number; hotWrites: boolean } {
  const { model } = file.semantics;
  const owner = model.clauseAt(creation)?.module;
  const named = table.type === "atom" || table.text === "__MODULE__" || table.type === "unary_operator";
  const calls = named ? file.root.descendantsOfType("call").filter((call) => remoteCallee(call)?.module === ":ets" && effectiveArguments(call)[0]?.text === table.text) : [];
  let foreignReads = 0;
  let foreignWrites = 0;
  let hotWrites = false;
  for (const call of calls) {
    const fun = remoteCallee(call)!.fun;
    if (HOT_WRITES.has(fun)) hotWrites = true;
    const clause = model.clauseAt(call);
    const foreign = clause !== undefined && !(clause.module === owner && runsInStatefulProcess(model, clause));
    if (foreign && READS.has(fun)) foreignReads++;
    if (foreign && WRITES.has(fun)) foreignWrites++;
  }
  return { foreignReads, foreignWrites, hotWrites };
}
