defmodule Shop.CartServer do
  @moduledoc "One process per shopping cart."
  use GenServer

  def start_link(cart_id) do
    GenServer.start_link(__MODULE__, cart_id, name: String.to_atom("cart_#{cart_id}"))
  end

  def add(cart_id, item), do: GenServer.call(:"cart_#{cart_id}", {:add, item})
  def restore(saved), do: Map.new(saved, fn {key, value} -> {String.to_atom(key), value} end)

  def filters(params) do
    Map.new(params, fn {key, value} -> {String.to_atom(key), value} end)
  end

  @impl true
  def init(cart_id), do: {:ok, %{id: cart_id, items: []}}

  @impl true
  def handle_call({:add, item}, _from, cart) do
    cart = %{cart | items: [item | cart.items]}
    {:reply, {:ok, length(cart.items)}, cart}
  end
end
