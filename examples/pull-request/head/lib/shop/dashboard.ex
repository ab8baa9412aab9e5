defmodule Shop.Dashboard do
  @moduledoc """
  Builds the storefront dashboard for a signed-in customer.
  """

  alias Shop.{Orders, Recommendations}

  def load(customer) do
    orders = Task.async(fn -> Orders.recent(customer) end)
    picks = Task.async(fn -> Recommendations.for_customer(customer) end)
    Task.async(fn -> Shop.Analytics.track(:dashboard_viewed, customer) end)

    %{
      customer: customer,
      orders: Task.await(orders),
      picks: Task.await(picks, :infinity)
    }
  end

  def prices(items) do
    items
    |> Task.async_stream(&Shop.Pricing.quote/1, max_concurrency: 8)
    |> Enum.map(fn {:ok, price} -> price end)
  end
end
