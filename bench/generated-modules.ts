/**
 * Generated modules of one rule-relevant shape repeated a thousand times: a rule helper that
 * recomputes a whole-module fact per match makes their cost grow with matches × module size,
 * where a linear analysis stays within a small multiple of the parse.
 */
export const GENERATED_FUNCTIONS = 1_000;

/** A GenServer whose client API is 1,000 one-line `GenServer.call` wrappers, each with its `handle_call`. */
export function callWrappers(count = GENERATED_FUNCTIONS): string {
  const wrappers = Array.from({ length: count }, (_, i) => `  def get_${i}(key), do: GenServer.call(__MODULE__, {:get_${i}, key}, :infinity)`);
  const handlers = Array.from({ length: count }, (_, i) => `  def handle_call({:get_${i}, key}, _from, state), do: {:reply, Map.get(state, {${i}, key}), state}`);
  return [
    "defmodule MyApp.Wrappers do",
    "  use GenServer",
    "  def start_link(_), do: GenServer.start_link(__MODULE__, %{}, name: __MODULE__)",
    "  def init(state), do: {:ok, state}",
    ...wrappers,
    ...handlers,
    "end",
    "",
  ].join("\n");
}

/** A module of 1,000 private functions that each start a task, called from one public function. */
export function taskStarters(count = GENERATED_FUNCTIONS): string {
  const starters = Array.from({ length: count }, (_, i) => `  defp start_${i}(x) do\n    Task.async(fn -> String.to_atom("item_#{x}_${i}") end)\n    :ok\n  end`);
  const caller = `  def start_all(x) do\n${Array.from({ length: count }, (_, i) => `    start_${i}(x)`).join("\n")}\n  end`;
  return ["defmodule MyApp.Tasks do", caller, ...starters, "end", ""].join("\n");
}
