import { isBlocking } from "../src/engine/blocking.js";
import type { SyntaxNode } from "../src/engine/parser.js";
import { remoteCallee } from "../src/engine/elixir.js";
import { defineRule, PRODUCTION } from "../src/engine/rule.js";
import type { FunctionClause } from "../src/engine/semantic/file-model.js";
import { callsGivenFunctionsAround, isInSpawnedFunction } from "../src/engine/semantic/processes.js";

/** Servers that start other GenServers: their `init/1` is not the one a caller waits on. */
const SERVER_BEHAVIOURS = new Set(["GenServer", "Agent", "GenStage"]);

export default defineRule({
  meta: {
    id: "init-blocking-work",
    severity: "warning",
    summary: "Blocking work in a GenServer's `init/1` (database, HTTP, files, sleeps, calls)",
    guideSection: "GenServer Patterns",
    principle: "Use `handle_continue/2` for post-init work—keeps `init/1` fast and non-blocking.",
    premise:
      "The guide: use `handle_continue/2` for post-init work — keep `init/1` fast and non-blocking. Evidence: `init/1`, or a function it calls in the same process, does network or database I/O, runs a command or sleeps, and nothing shows that the caller needs the work finished: `init/1` never returns `:ignore` or `{:stop, …}` as a deliberate boot gate, and the docs do not promise a blocking start. Work reached only through a spawned function or a callback handed to another module (which runs when that module calls it), and cheap local reads, are not findings. Whether the process that starts this server needs the work finished first is decided outside the file (its supervisor, its siblings, its callers), so findings are medium confidence: listed, not commented, unless a policy asks for them.",
    messages: {
      call: "{call} blocks `init/1`, and with it the process that starts this server and its supervisor's start-up. Return `{:ok, state, {:continue, …}}` and do this in `handle_continue/2`.",
      default:
        "`init/1` blocks the process that starts this server — and its whole supervisor's start-up — until this returns. Return `{:ok, state, {:continue, :load}}` and do the work in `handle_continue/2`.",
    },
    explanation: `
\`GenServer.start_link/3\` does not return until \`init/1\` does. A supervisor starts its children
one at a time, so a slow \`init/1\` delays every sibling after it and, at boot, the whole
application; a hanging one (a database that is down, an HTTP call without a timeout) fails the
start with a timeout after 5 s and can take the application down with it.

Keep \`init/1\` to building the initial state, and move the slow part to \`handle_continue/2\`,
which runs right after \`init/1\` returns, before any other message:

\`\`\`elixir
def init(opts), do: {:ok, %{opts: opts, rates: nil}, {:continue, :load_rates}}

def handle_continue(:load_rates, state) do
  {:noreply, %{state | rates: Rates.fetch!()}}
end
\`\`\`

The rule follows \`init/1\` into the functions of the same module it calls. The same calls in
\`handle_continue\`, \`handle_info\` and elsewhere are fine.`,
    appliesTo: PRODUCTION,
  },
  query: `
(call target: (dot left: [(alias) (atom)] @module right: (identifier) @fun)
  (#match? @module "Repo$|^(Req|HTTPoison|Finch|Tesla|Mint\\.HTTP|:httpc|:hackney|File|Process|:timer|GenServer|Task|System|:gen_tcp|:ssl)$")) @report
((call target: (identifier) @fun) @report (#eq? @fun "receive"))
`,
  refine({ report }, file) {
    if (!isBlocking(report)) return null;
    const { model } = file.semantics;
    const clause = model.clauseAt(report);
    const module = clause?.module;
    if (!clause || !module || !(clause.injected ? module.injectedUses : module.uses).some((use) => SERVER_BEHAVIOURS.has(use)) || isInSpawnedFunction(report, clause) || isHandedOff(report, clause))
      return null;
    const inits = model.functionsNamed(module, "init");
    if (inits.length === 0 || inits.some(isBootGate) || /\bblock(s|ing)?\b/i.test(module.moduledoc ?? "")) return null;
    // Follow only the calls made in init's own process, not those inside a spawned function.
    const reached = model.reachable(module, ["init"], (caller, callee) =>
      caller.localCallSites.some((site) => site.name === callee && !isInSpawnedFunction(site.node, caller) && !isHandedOff(site.node, caller)),
    );
    if (!reached.includes(clause)) return null;
    const callee = remoteCallee(report);
    const what = callee ? `\`${callee.module}.${callee.fun}\`` : "`receive`";
    // Whether whoever starts this server needs the work done first is decided outside the file.
    return { message: "call", values: { call: what }, confidence: "medium" };
  },
  examples: {
    valid: [
      {
        note: "A boot gate its supervisor waits on by design (it returns `:ignore` or `{:stop, …}`), work handed to another process, and cheap local reads.",
        code: `
defmodule MyApp.Migrator do
  use GenServer

  def init(opts) do
    case MyApp.Repo.query("SELECT 1") do
      {:ok, _} -> run_migrations(opts) && :ignore
      {:error, error} -> {:stop, error}
    end
  end

  defp run_migrations(opts), do: Ecto.Migrator.run(MyApp.Repo, opts[:path], :up, all: true)
end

defmodule MyApp.Warmer do
  use GenServer

  def init(opts) do
    Task.start(fn -> warm(opts) end)
    {:ok, %{files: File.ls!(opts[:dir])}}
  end

  defp warm(opts), do: MyApp.Repo.all(opts[:query])
end`,
      },
      {
        note: "A callback handed to another module in `init/1` runs when that module calls it, not while `init/1` runs.",
        code: `
defmodule MyApp.Updater do
  use GenServer

  def init(url) do
    me = self()
    {:ok, downloader} = MyApp.Downloader.start_link(url, fn message -> report(me, message) end)
    {:ok, %{downloader: downloader}}
  end

  defp report(updater, message), do: GenServer.call(updater, {:downloader, message}, 60_000)
end`,
      },
      {
        note: "The work moved to handle_continue; handle_info may block.",
        code: `
defmodule MyApp.Rates do
  use GenServer
  def init(opts), do: {:ok, %{opts: opts, rates: nil}, {:continue, :load}}
  def handle_continue(:load, state), do: {:noreply, %{state | rates: MyApp.Repo.all(MyApp.Rate)}}
  def handle_info(:refresh, state), do: {:noreply, %{state | rates: Req.get!("https://rates").body}}
end`,
      },
      {
        note: "Cheap calls in init: reading config, scheduling, building a request, flushing a message that is already there.",
        code: `
defmodule MyApp.Poller do
  use GenServer
  def init(opts) do
    Process.send_after(self(), :poll, Keyword.get(opts, :interval, 1_000))
    {:ok, cancel_timer(%{url: Application.fetch_env!(:my_app, :url), req: Req.new(retry: false), timer: opts[:timer]})}
  end

  defp cancel_timer(%{timer: nil} = state), do: state
  defp cancel_timer(state) do
    if Process.cancel_timer(state.timer) == false do
      receive do
        :poll -> :ok
      end
    end
    receive do
      :stale -> :ok
    after
      0 -> :ok
    end
    state
  end
end`,
      },
    ],
    invalid: [
      {
        note: "An `init/1` written inside `quote` in `__using__` is run-time code of every module that uses this one.",
        code: `
defmodule MyApp.Cached do
  defmacro __using__(opts) do
    quote do
      use GenServer

      def init(_) do
        # ruleid: init-blocking-work (medium)
        {:ok, MyApp.Repo.all(unquote(opts[:schema]))}
      end
    end
  end
end`,
      },
      {
        code: `
defmodule MyApp.Rates do
  use GenServer

  def init(opts) do
    # ruleid: init-blocking-work (medium)
    rates = MyApp.Repo.all(MyApp.Rate)
    # ruleid: init-blocking-work (medium)
    %{body: body} = Req.get!(opts[:url])
    {:ok, %{rates: rates, extra: body, seed: load_seed()}}
  end

  defp load_seed do
    # ruleid: init-blocking-work (medium)
    Finch.request(Finch.build(:get, "https://rates.example/seed"), MyApp.Finch)
  end
end`,
      },
      {
        note: "Piped Repo calls, sleeps and receive.",
        code: `
defmodule MyApp.Warmup do
  use GenServer

  def init(_) do
    # ruleid: init-blocking-work (medium)
    users = MyApp.User |> MyApp.Repo.all()
    # ruleid: init-blocking-work (medium)
    Process.sleep(1_000)
    # ruleid: init-blocking-work (medium)
    receive do
      :ready -> {:ok, users}
    end
  end
end`,
      },
    ],
  },
});

/** `init/1` that may return `:ignore` or `{:stop, reason}`: a gate its supervisor waits on, by design. */
function isBootGate(init: FunctionClause): boolean {
  return /(^|[^\w:]):ignore\b|\{:stop,/.test(init.body?.text ?? "");
}

/** Modules whose functions call the function they are given right away, in the caller's process. */
const RUNS_INLINE = new Set(["Enum", "List", "Map", "MapSet", "Keyword", "Stream", ":lists", ":maps"]);

/**
 * The node sits in a function handed to another module as a callback (`Downloader.start(url, fn msg ->
 * report(msg) end)`): it runs when that module calls it, later or elsewhere, not while `init/1` runs.
 * A function given to `Enum.map` and its kin runs right away.
 */
function isHandedOff(node: SyntaxNode, clause: FunctionClause): boolean {
  return callsGivenFunctionsAround(node, clause).some((call) => {
    const callee = remoteCallee(call);
    return callee !== null && !RUNS_INLINE.has(callee.module);
  });
}
