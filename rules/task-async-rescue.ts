import { parentOf } from "../src/engine/parents.js";
import { definitionBody, effectiveArguments, enclosingDefinition, isPipedInto, isRemoteCall, localCallee, operatorOf } from "../src/engine/elixir.js";
import { isWithin } from "../src/engine/otp.js";
import type { SyntaxNode } from "../src/engine/parser.js";
import { ALL_KINDS, defineRule } from "../src/engine/rule.js";

const AWAITS = ["await", "await_many", "yield", "yield_many"];

export default defineRule({
  meta: {
    id: "task-async-rescue",
    severity: "error",
    summary: "A linked task awaited inside `try … rescue/catch`: the rescue cannot catch the task's crash",
    guideSection: "Task.Supervisor, Not Task.async",
    principle: "`Task.async/1` — on task crash: caller crashes (linked, unsupervised). `Task.Supervisor.async_nolink/2` — caller survives, can handle error.",
    premise:
      "The guide: `Task.async` \u2014 on task crash, the caller crashes (linked); only `async_nolink` lets the caller survive and handle the error. Evidence: a linked task (`Task.async`, `Task.Supervisor.async`) awaited inside `try \u2026 rescue/catch` that is meant to handle its failure, which the link kills first.",
    messages: {
      default:
        "This task is linked to the caller: when it crashes, the exit signal kills the caller before `rescue`/`catch` around the await can run. Use `Task.Supervisor.async_nolink/2` and handle `{:exit, reason}` from `Task.yield/2`.",
    },
    explanation: `
\`try … rescue\` and \`catch\` handle errors raised in the **calling** process. A task started with
\`Task.async\` or \`Task.Supervisor.async\` is **linked** to its caller: when the task crashes, it
sends an exit signal that kills the caller at once — wherever it is, including inside the \`try\`.
The \`rescue\` clause never runs. (\`catch :exit, _\` around \`Task.await\` catches only the await's
own timeout exit, not the link.)

To survive a task's failure, don't link to it:

\`\`\`elixir
task = Task.Supervisor.async_nolink(MyApp.TaskSupervisor, fn -> fetch(url) end)

case Task.yield(task, 5_000) || Task.shutdown(task) do
  {:ok, result} -> {:ok, result}
  {:exit, reason} -> {:error, reason}
  nil -> {:error, :timeout}
end
\`\`\``,
    appliesTo: ALL_KINDS,
  },
  query: `
(call target: (dot left: (alias) @module right: (identifier) @fun)
  (#any-of? @module "Task" "Task.Supervisor")
  (#eq? @fun "async")) @report
`,
  refine({ report }) {
    const def = report ? enclosingDefinition(report) : null;
    const body = def ? definitionBody(def) : undefined;
    if (!report || !body) return null;
    const guarded = body.descendantsOfType("call").filter(isTryWithRescue).flatMap(tryBody);
    if (guarded.length === 0) return null;
    if (isWithin(report, guarded) && isAwaitedDirectly(report)) return true;
    const variable = boundVariable(report);
    return variable !== undefined && awaitsIn(guarded).some((args) => args.some((arg) => arg.text === variable || arg.descendantsOfType("identifier").some((i) => i.text === variable)));
  },
  examples: {
    valid: [
      {
        note: "Not linked: the caller survives and handles the exit.",
        code: `
defmodule MyApp.Fetcher do
  def fetch(url) do
    task = Task.Supervisor.async_nolink(MyApp.TaskSupervisor, fn -> Req.get!(url) end)
    Task.yield(task, 5_000) || Task.shutdown(task)
  end
end`,
      },
      {
        note: "A try that does not await the task.",
        code: `
defmodule MyApp.Fetcher do
  def fetch(url) do
    task = Task.async(fn -> Req.get!(url) end)
    body = try do
      File.read!("cache")
    rescue
      File.Error -> nil
    end
    {body, Task.await(task)}
  end
end`,
      },
    ],
    invalid: [
      {
        code: `
defmodule MyApp.Fetcher do
  def fetch(url) do
    # ruleid: task-async-rescue
    task = Task.async(fn -> Req.get!(url) end)

    try do
      {:ok, Task.await(task, 5_000)}
    rescue
      error -> {:error, error}
    end
  end

  def fetch_all(urls) do
    try do
      # ruleid: task-async-rescue
      Task.Supervisor.async(MyApp.TaskSupervisor, fn -> Enum.map(urls, &Req.get!/1) end) |> Task.await()
    catch
      :exit, reason -> {:error, reason}
    end
  end
end`,
      },
    ],
  },
});

/** `try do … rescue/catch … end`. */
function isTryWithRescue(call: SyntaxNode): boolean {
  if (localCallee(call) !== "try") return false;
  const block = call.namedChildren.find((c) => c.type === "do_block");
  return block?.namedChildren.some((c) => c.type === "rescue_block" || c.type === "catch_block") ?? false;
}

/** The expressions of the `try`'s own body (not its rescue, catch, else or after clauses). */
function tryBody(call: SyntaxNode): SyntaxNode[] {
  const block = call.namedChildren.find((c) => c.type === "do_block");
  return block?.namedChildren.filter((c) => !c.type.endsWith("_block")) ?? [];
}

/** The arguments of every `Task.await…`/`Task.yield…` inside `scopes`. */
function awaitsIn(scopes: readonly SyntaxNode[]): SyntaxNode[][] {
  return scopes.flatMap((scope) =>
    scope
      .descendantsOfType("call")
      .filter((c) => isRemoteCall(c, "Task", AWAITS))
      .map(effectiveArguments),
  );
}

/** `Task.async(…) |> Task.await()` or `Task.await(Task.async(…))`. */
function isAwaitedDirectly(async: SyntaxNode): boolean {
  const pipe = parentOf(async);
  if (pipe?.type === "binary_operator" && operatorOf(pipe) === "|>") {
    const right = pipe.childForFieldName("right");
    return right !== null && isPipedInto(right) && isRemoteCall(right, "Task", AWAITS);
  }
  const outer = parentOf(parentOf(async));
  return outer !== null && outer !== undefined && isRemoteCall(outer, "Task", AWAITS);
}

/** `t` in `t = Task.async(…)`. */
function boundVariable(call: SyntaxNode): string | undefined {
  const parent = parentOf(call);
  if (parent?.type !== "binary_operator" || operatorOf(parent) !== "=") return undefined;
  const left = parent.childForFieldName("left");
  return left?.type === "identifier" ? left.text : undefined;
}
