defmodule Shop.DashboardTest do
  use ExUnit.Case, async: true

  test "loads orders and picks concurrently" do
    task = Task.async(fn -> Shop.Dashboard.load(%{id: 1}) end)
    assert %{orders: _, picks: _} = Task.await(task)
  end
end
