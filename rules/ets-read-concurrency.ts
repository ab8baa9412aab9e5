import { effectiveArguments, remoteCallee } from "../src/engine/elixir.js";
import type { SyntaxNode } from "../src/engine/parser.js";
import { defineRule, PRODUCTION, type SourceFile } from "../src/engine/rule.js";
import { runsInStatefulProcess } from "../src/engine/semantic/processes.js";

const READS = new Set(["lookup", "lookup_element", "select", "match", "match_object", "member", "tab2list", "foldl", "foldr", "first", "next", "select_count"]);
/** Writes that mark a table tuned for many writers: counters and metrics. */
const HOT_WRITES = new Set(["update_counter", "update_element", "insert_new"]);

export default defineRule({
  meta: {
    id: "ets-read-concurrency",
    severity: "info",
    summary: "A shared ETS table (`:named_table` or `:public`) without `read_concurrency`",
    guideSection: "The Iron Law",
    principle: "The ETS pattern: GenServer owns ETS table, writes serialize through GenServer, reads bypass it entirely with `:read_concurrency`.",
    premise: "The guide's ETS pattern: the owner writes, readers bypass it with `:read_concurrency`. Evidence: a named or public table, created without `read_concurrency` or `write_concurrency`, that this file reads from functions other processes run (client functions, not the owner's callbacks), and does not update as a counter. When no read is in the file, the readers are elsewhere and the finding is medium; a table only its owner reads, or one written on every event, is not a finding: there the option makes things slower.",
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
    if (use.hotWrites || (use.reads > 0 && use.foreignReads === 0)) return null;
    return { confidence: use.foreignReads > 0 ? "high" : "medium", fix: { node: options, text: `${options.text.slice(0, -1).trimEnd()}, read_concurrency: true]` } };
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
    ],
    invalid: [
      {
        code: `
defmodule MyApp.Cache do
  def init(_) do
    # ruleid: ets-read-concurrency
    :ets.new(:prices, [:named_table, :public])
    # ruleid: ets-read-concurrency
    table = :ets.new(__MODULE__, [:set, :named_table, :protected])
    {:ok, table}
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
function tableUse(file: SourceFile, creation: SyntaxNode, table: SyntaxNode): { reads: number; foreignReads: number; hotWrites: boolean } {
  const { model } = file.semantics;
  const owner = model.clauseAt(creation)?.module;
  const named = table.type === "atom" || table.text === "__MODULE__" || table.type === "unary_operator";
  const calls = named ? file.root.descendantsOfType("call").filter((call) => remoteCallee(call)?.module === ":ets" && effectiveArguments(call)[0]?.text === table.text) : [];
  let reads = 0;
  let foreignReads = 0;
  let hotWrites = false;
  for (const call of calls) {
    const fun = remoteCallee(call)!.fun;
    if (HOT_WRITES.has(fun)) hotWrites = true;
    if (!READS.has(fun)) continue;
    reads++;
    const clause = model.clauseAt(call);
    if (clause && !(clause.module === owner && runsInStatefulProcess(model, clause))) foreignReads++;
  }
  return { reads, foreignReads, hotWrites };
}
