import { parentOf } from "../src/engine/parents.js";
import { localCallee } from "../src/engine/elixir.js";
import { defineRule, PRODUCTION } from "../src/engine/rule.js";

export default defineRule({
  meta: {
    id: "broadway-as-job-queue",
    severity: "warning",
    summary: "Broadway fed by hand (`push_messages`, `test_message`, `DummyProducer`) in production code",
    guideSection: "Broadway vs Oban: Different Problems",
    principle: "Broadway is NOT a job queue. Broadway: external queues (SQS, Kafka, RabbitMQ) — data ingestion with batching. Oban: background jobs with database persistence.",
    premise:
      "The guide: Broadway is not a job queue \u2014 use Oban for background jobs. Evidence: production code feeds a pipeline by hand (`Broadway.push_messages`, `test_message`, `test_batch`, or a `DummyProducer`), so its messages live only in memory.",
    messages: {
      default:
        "Feeding Broadway by hand uses it as a job queue, which it is not: messages live only in memory and are lost on a crash or deploy, with no retries or scheduling. Use Oban for background jobs; keep Broadway for consuming an external queue.",
    },
    explanation: `
Broadway consumes **external** queues — SQS, Kafka, RabbitMQ, Google Pub/Sub — where the broker
holds the messages, acknowledges them and redelivers the ones that fail. Its producers pull from
that broker.

\`Broadway.push_messages/2\`, \`Broadway.test_message/3\`, \`Broadway.test_batch/3\` and
\`Broadway.DummyProducer\` exist for tests. In production code they turn Broadway into an
in-memory job queue: a message pushed and not yet processed is gone when the node restarts, a
failed message is not retried, and nothing can be scheduled for later.

Background jobs that must survive restarts want Oban: jobs stored in PostgreSQL, retried with
backoff, scheduled, unique, observable.

\`\`\`elixir
%{user_id: user.id} |> MyApp.Workers.Welcome.new() |> Oban.insert()
\`\`\``,
    appliesTo: PRODUCTION,
  },
  query: `
(call target: (dot left: (alias) @module right: (identifier) @fun)
  (#eq? @module "Broadway")
  (#any-of? @fun "push_messages" "test_message" "test_batch")) @report
((alias) @report (#eq? @report "Broadway.DummyProducer"))
`,
  refine({ report }) {
    // Broadway's own `defmodule Broadway.DummyProducer` names the module, it does not use it.
    const definesIt = parentOf(report)?.type === "arguments" && localCallee(parentOf(parentOf(report))!) === "defmodule";
    return report !== undefined && !definesIt;
  },
  examples: {
    valid: [
      {
        note: "A real producer pulling from an external queue.",
        code: `
defmodule MyApp.Pipeline do
  use Broadway
  def start_link(_opts) do
    Broadway.start_link(__MODULE__,
      name: __MODULE__,
      producer: [module: {BroadwaySQS.Producer, queue_url: System.fetch_env!("QUEUE_URL")}],
      processors: [default: [concurrency: 10]]
    )
  end
end`,
      },
      {
        note: "Tests drive pipelines by hand.",
        path: "test/pipeline_test.exs",
        code: `
test "processes" do
  ref = Broadway.test_message(MyApp.Pipeline, "hello")
  assert_receive {:ack, ^ref, [_], []}
end`,
      },
    ],
    invalid: [
      {
        code: `
defmodule MyApp.Jobs do
  def enqueue(job) do
    # ruleid: broadway-as-job-queue
    Broadway.push_messages(MyApp.JobPipeline, [%Broadway.Message{data: job, acknowledger: Broadway.NoopAcknowledger.init()}])
  end

  def pipeline_opts do
    # ruleid: broadway-as-job-queue
    [producer: [module: {Broadway.DummyProducer, []}], processors: [default: []]]
  end
end`,
      },
    ],
  },
});
