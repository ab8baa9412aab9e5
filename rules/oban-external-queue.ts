import { remoteCallee } from "../src/engine/elixir.js";
import { defineRule, PRODUCTION } from "../src/engine/rule.js";

/** Calls that take messages off an external broker (publishing to one is fine). */
const CONSUMING: Readonly<Record<string, readonly string[]>> = {
  "ExAws.SQS": ["receive_message"],
  "AMQP.Basic": ["get", "consume"],
  KafkaEx: ["fetch", "stream"],
  ":brod": ["fetch"],
  "Kane.Subscription": ["pull"],
  "GoogleApi.PubSub.V1.Api.Projects": ["pubsub_projects_subscriptions_pull"],
};

const WORKER_BEHAVIOURS = ["Oban.Worker", "Oban.Pro.Worker"];
/** The entry points Oban calls: `perform/1`, and `process/1` for Oban Pro workers. */
const ENTRY_POINTS = ["perform", "process"];

export default defineRule({
  meta: {
    id: "oban-external-queue",
    severity: "warning",
    summary: "An Oban worker that consumes an external queue (SQS, RabbitMQ, Kafka, Pub/Sub)",
    guideSection: "Broadway vs Oban: Different Problems",
    principle:
      "Broadway: external queues (SQS, Kafka, RabbitMQ) — data ingestion with batching. Oban: background jobs with database persistence. Using Oban for external queue consumption is a red flag (use Broadway).",
    premise:
      "The guide: use Broadway for external queues, not Oban. Evidence: code an Oban worker's `perform/1` reaches takes messages off an external broker (SQS receive, AMQP get, Kafka fetch\u2026); publishing to a broker is fine.",
    messages: {
      default:
        "Polling an external queue from an Oban job gives you neither tool's strengths: no back-pressure, batching or acknowledgements per message, and a database row per poll. Consume the queue with a Broadway pipeline (BroadwaySQS, BroadwayRabbitMQ, BroadwayKafka, BroadwayCloudPubSub).",
      consumer: "`{call}` consumes an external queue from an Oban job: no back-pressure, batching or per-message acknowledgement. Consume it with a Broadway pipeline instead.",
    },
    explanation: `
Oban runs **jobs** stored in your database: retried, scheduled, unique, observable. An external
broker — SQS, RabbitMQ, Kafka, Google Pub/Sub — already stores, delivers and redelivers
**messages**. Pulling from the broker inside an Oban job (often a cron job that polls) stacks the
two: messages wait for the next poll, a job that fails half-way has taken messages it never
acknowledges properly, concurrency is bounded by the Oban queue instead of by demand, and every
poll writes a job row.

Broadway is built for this side: producers that pull with demand-driven back-pressure,
per-message acknowledgement, batching, graceful shutdown that drains in-flight messages.

\`\`\`elixir
Broadway.start_link(__MODULE__,
  name: __MODULE__,
  producer: [module: {BroadwaySQS.Producer, queue_url: url}],
  processors: [default: [concurrency: 10]]
)
\`\`\`

Publishing to a broker from an Oban job (\`send_message\`, \`AMQP.Basic.publish\`) is fine and not
flagged.`,
    appliesTo: PRODUCTION,
  },
  query: `
(call target: (dot left: [(alias) (atom)] @module right: (identifier) @fun)
  (#any-of? @module "ExAws.SQS" "AMQP.Basic" "KafkaEx" ":brod" "Kane.Subscription" "GoogleApi.PubSub.V1.Api.Projects")) @report
`,
  refine({ report }, file) {
    const callee = remoteCallee(report);
    if (!callee || !CONSUMING[callee.module]?.includes(callee.fun)) return null;
    const { model } = file.semantics;
    const clause = model.clauseAt(report);
    const module = clause?.module;
    if (!module || !WORKER_BEHAVIOURS.some((b) => module.uses.includes(b))) return null;
    return model.reachable(module, ENTRY_POINTS).includes(clause) ? { message: "consumer", values: { call: `${callee.module}.${callee.fun}` } } : null;
  },
  examples: {
    valid: [
      {
        note: "Publishing from a job is fine.",
        code: `
defmodule MyApp.Workers.Notify do
  use Oban.Worker, queue: :events
  def perform(%Oban.Job{args: %{"event" => event}}) do
    ExAws.SQS.send_message(queue_url(), Jason.encode!(event)) |> ExAws.request()
    AMQP.Basic.publish(channel(), "events", "", Jason.encode!(event))
  end
end`,
      },
      {
        note: "Consuming outside an Oban worker (a GenServer, a Broadway producer) is not this rule's business.",
        code: `
defmodule MyApp.Poller do
  use GenServer
  def handle_info(:poll, state) do
    ExAws.SQS.receive_message(state.queue) |> ExAws.request()
    {:noreply, state}
  end
end`,
      },
    ],
    invalid: [
      {
        code: `
defmodule MyApp.Workers.PollOrders do
  use Oban.Worker, queue: :default

  @impl Oban.Worker
  def perform(_job) do
    {:ok, %{body: %{messages: messages}}} = fetch_batch()
    Enum.each(messages, &MyApp.Orders.import/1)
  end

  defp fetch_batch do
    # ruleid: oban-external-queue
    ExAws.SQS.receive_message("orders", max_number_of_messages: 10) |> ExAws.request()
  end
end`,
      },
      {
        code: `
defmodule MyApp.Workers.Drain do
  use Oban.Worker
  def perform(%{args: %{"queue" => queue}}) do
    # ruleid: oban-external-queue
    {:ok, payload, meta} = AMQP.Basic.get(channel(), queue)
    handle(payload, meta)
  end
end`,
      },
    ],
  },
});
