import { effectiveArguments, isRunTimeCode } from "../src/engine/elixir.js";
import type { SyntaxNode } from "../src/engine/parser.js";
import { defineRule, PRODUCTION_ONLY } from "../src/engine/rule.js";

export default defineRule({
  meta: {
    id: "ets-read-concurrency",
    severity: "info",
    summary: "A shared ETS table (`:named_table` or `:public`) without `read_concurrency`",
    guideSection: "The Iron Law",
    principle: "The ETS pattern: GenServer owns ETS table, writes serialize through GenServer, reads bypass it entirely with `:read_concurrency`.",
    message: "This table is read by other processes but is not optimised for concurrent reads. Add `read_concurrency: true` (and `write_concurrency: true` if many processes write).",
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
    appliesTo: PRODUCTION_ONLY,
  },
  query: `
(call target: (dot left: (atom) @module right: (identifier) @fun)
  (#eq? @module ":ets")
  (#eq? @fun "new")) @report
`,
  refine({ report }) {
    const options = report ? effectiveArguments(report)[1] : undefined;
    if (!report || options?.type !== "list" || !isRunTimeCode(report)) return null;
    const names = options.namedChildren.flatMap(optionNames);
    const shared = names.includes("named_table") || names.includes("public");
    // A table tuned for writes was tuned on purpose: read_concurrency makes mixed workloads slower.
    if (!shared || names.includes("private") || names.includes("read_concurrency") || names.includes("write_concurrency")) return null;
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
