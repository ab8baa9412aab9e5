// A review server's queue in its own process, for the tests that kill it: it enqueues one job,
// opens its "check run" (remembers the id), says so on stdout, and then hangs until killed.
import { pino } from "pino";
import { RedisReviewQueue } from "../../dist/src/queue/redis-queue.js";

const [url, prefix, jobJson] = process.argv.slice(2);
const queue = new RedisReviewQueue(
  async (_job, run) => {
    await run.rememberCheckRun(4242);
    process.stdout.write("check run opened\n");
    await new Promise(() => undefined);
  },
  pino({ level: "silent" }),
  { url, prefix, concurrency: 1, abandon: async () => undefined, lockMs: 1_000, stalledCheckMs: 500 },
);
await queue.enqueue(JSON.parse(jobJson));
