import { defineRule, PRODUCTION } from "../src/engine/rule.js";

export default defineRule({
  meta: {
    id: "dets-size-limit",
    severity: "info",
    summary: "A DETS table, which stops at 2 GB",
    guideSection: "Storage Options",
    principle: "Disk persistence: DETS (2GB limit).",
    premise: "The guide's storage table: DETS has a 2 GB limit. Evidence: production code opens a DETS table, where the limit and the repair after an unclean stop must be accepted knowingly.",
    messages: {
      default: "DETS files cannot grow past 2 GB, and a table that is not closed cleanly is repaired at the next open, which can take minutes. Make sure the data stays small, or use a database.",
    },
    explanation: `
DETS is Erlang's disk-based term storage. Two limits surprise teams in production:

- **Size:** a DETS file cannot exceed 2 GB. Inserts beyond that fail with \`{:error, :system_limit}\`
  or similar — usually long after the code shipped, when the data has grown.
- **Repair:** a table not closed properly (a crash, a kill) must be repaired on the next
  \`open_file\`, which reads the whole file and blocks the opener, sometimes for minutes.

\`\`\`elixir
# an embedded store without the 2 GB limit
{:ok, db} = CubDB.start_link(data_dir: "priv/queue")
CubDB.put(db, key, value)
\`\`\`

DETS fits small, local, rarely written data. For more, use a database (PostgreSQL through Ecto),
Mnesia's \`disc_copies\` for transactions and distribution, or CubDB for an embedded store.`,
    appliesTo: PRODUCTION,
  },
  query: `
(call target: (dot left: (atom) @module right: (identifier) @fun)
  (#eq? @module ":dets")
  (#eq? @fun "open_file")) @report
`,
  examples: {
    valid: [
      {
        note: "Other DETS calls on an open table, and ETS.",
        code: `
defmodule MyApp.Store do
  def put(table, key, value), do: :dets.insert(table, {key, value})
  def cache, do: :ets.new(:cache, [:set, :private])
end`,
      },
    ],
    invalid: [
      {
        code: `
defmodule MyApp.Store do
  def open(path) do
    # ruleid: dets-size-limit
    {:ok, table} = :dets.open_file(:store, file: String.to_charlist(path), type: :set)
    table
  end
end`,
      },
    ],
  },
});
