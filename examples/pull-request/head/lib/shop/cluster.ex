defmodule Shop.Cluster do
  @moduledoc "Cluster membership for cart processes."

  def join(group) do
    :pg2.join(group, self())
  end

  def members(group) do
    :pg.get_members(group)
  end
end
