import { parentOf } from "../src/engine/parents.js";
import { callArguments, localCallee, remoteCallee } from "../src/engine/elixir.js";
import type { SyntaxNode } from "../src/engine/parser.js";
import { ALL_KINDS, defineRule } from "../src/engine/rule.js";

/** `:pg` equivalents; `create` and `delete` have none because `:pg` groups need no creating. */
const PG_EQUIVALENT: Readonly<Record<string, string>> = {
  join: "`:pg.join/2`",
  leave: "`:pg.leave/2`",
  get_members: "`:pg.get_members/1`",
  get_local_members: "`:pg.get_local_members/1`",
  which_groups: "`:pg.which_groups/0`",
  get_closest_pid: "`:pg.get_members/1` and pick one",
  create: "nothing: `:pg` groups exist as soon as a process joins",
  delete: "nothing: a `:pg` group disappears when its last process leaves",
};

/** Functions `:pg` has with the same name and arguments. */
const SAME_IN_PG = new Set(["join", "leave", "get_members", "get_local_members", "which_groups"]);

export default defineRule({
  meta: {
    id: "pg2-removed",
    severity: "error",
    summary: "`:pg2`, removed in OTP 24",
    guideSection: ":pg for Distributed, Registry for Local",
    principle: "`:pg` replaced deprecated `:pg2`.",
    premise: "The guide: `:pg` replaced the deprecated `:pg2`, which OTP 24 removed. Evidence: any call to `:pg2` not guarded by an OTP version check: it fails with `undef` at run time.",
    messages: {
      default: "`:pg2` was removed in OTP 24: this code fails at run time with `undef`. Use `:pg` (cluster-wide process groups) or `Registry` (local).",
      replaced: "`:pg2.{fun}` was removed in OTP 24: this fails at run time with `undef`. Use {equivalent}.",
    },
    explanation: `
\`:pg2\` was deprecated in OTP 23 and removed in OTP 24. Any call to it raises \`UndefinedFunctionError\`
on a current runtime, usually far from where the code was written — at the first deploy on a new
OTP version.

Its replacement is \`:pg\`, which is simpler: groups need no creating, a process joins with
\`:pg.join(group, pid)\` and leaves when it exits, and groups live in a scope started in your
supervision tree (\`%{id: :pg, start: {:pg, :start_link, []}}\`). For process groups on one node,
\`Registry\` with \`keys: :duplicate\` is the local tool.

\`\`\`elixir
# application.ex: children = [%{id: :pg, start: {:pg, :start_link, []}}, …]
:pg.join(:chat_room, self())
:pg.get_members(:chat_room)
\`\`\``,
    appliesTo: ALL_KINDS,
    runsOn: "anywhere",
  },
  query: `((atom) @report (#eq? @report ":pg2"))`,
  refine({ report }) {
    if (!report || isVersionGuarded(report)) return null;
    const call = enclosingCall(report);
    const fun = call ? remoteCallee(call)?.fun : undefined;
    const equivalent = fun ? PG_EQUIVALENT[fun] : undefined;
    if (!equivalent) return { node: call ?? report };
    // Same name, same arguments in :pg: the one change a reviewer can apply with a click.
    const sameCall = parentOf(report)?.type === "dot" && SAME_IN_PG.has(fun!);
    return { node: call!, message: "replaced", values: { fun: fun!, equivalent }, ...(sameCall ? { fix: { node: report, text: ":pg" } } : {}) };
  },
  examples: {
    valid: [
      {
        code: `
defmodule MyApp.Cluster do
  def join(group), do: :pg.join(group, self())
  def members(group), do: :pg.get_members(group)
end`,
      },
      {
        note: "Code that supports old OTP releases, choosing `:pg2` only where `:pg` is missing.",
        code: `
defmodule MyApp.Groups do
  def join(group) do
    if Code.ensure_loaded?(:pg) do
      :pg.join(group, self())
    else
      :pg2.join(group, self())
    end
  end
end`,
      },
      {
        note: "Mentioned in a string, not called.",
        code: `
defmodule MyApp.Notes do
  @moduledoc "Migrated from :pg2.join/2 to :pg."
  def note, do: "pg2 is gone"
end`,
      },
    ],
    invalid: [
      {
        code: `
defmodule MyApp.Cluster do
  def join(group) do
    # ruleid: pg2-removed
    :ok = :pg2.create(group)
    # ruleid: pg2-removed
    :pg2.join(group, self())
  end

  # ruleid: pg2-removed
  def members(group), do: apply(:pg2, :get_members, [group])
end`,
      },
      {
        note: "Listed as an application to start.",
        path: "mix.exs",
        code: `
defmodule MyApp.MixProject do
  use Mix.Project
  # ruleid: pg2-removed
  def application, do: [extra_applications: [:logger, :pg2]]
end`,
      },
      {
        note: "Tests and scripts fail on OTP 24 just the same.",
        path: "test/cluster_test.exs",
        code: `
test "joins" do
  # ruleid: pg2-removed
  assert [_] = :pg2.get_members(:group)
end`,
      },
    ],
  },
});

/**
 * Code that supports both old and new OTP picks `:pg2` only where `:pg` is missing:
 * `if Code.ensure_loaded?(:pg) do … else :pg2… end`, or a `function_exported?` check.
 */
function isVersionGuarded(node: SyntaxNode): boolean {
  for (let n = parentOf(node); n; n = parentOf(n)) {
    const name = localCallee(n);
    if (name !== "if" && name !== "unless" && name !== "cond" && name !== "case") continue;
    const condition = name === "cond" ? n : callArguments(n)[0];
    if (condition && /Code\.ensure_loaded\?|function_exported\?|otp_release/.test(condition.text)) return true;
  }
  return false;
}

/** The call a `:pg2` atom is the module of: `:pg2.join(…)`, `apply(:pg2, …)`, `&:pg2.join/2`. */
function enclosingCall(atom: SyntaxNode): SyntaxNode | null {
  const parent = parentOf(atom);
  const call = parent?.type === "dot" || parent?.type === "arguments" ? parentOf(parent) : null;
  return call?.type === "call" ? call : null;
}
