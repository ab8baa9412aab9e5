import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** Jobs waiting and running, as the queue knows them (across replicas with Redis). */
export type QueueDepth = () => Promise<{ waiting: number; active: number }>;

/**
 * What the service exposes at `/metrics`, in Prometheus's format: enough to alert on a stuck
 * queue, a GitHub outage or a slow review, and to see which rules speak most.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly deliveries = new Counter({ name: "otp_review_deliveries_total", help: "Webhook deliveries received, by event.", labelNames: ["event"] as const, registers: [this.registry] });
  readonly reviews = new Counter({
    name: "otp_review_reviews_total",
    help: "Reviews finished, by check run conclusion (or 'abandoned' when every attempt failed, 'not_reviewed' when the policy skips the pull request).",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });
  readonly reviewDuration = new Histogram({
    name: "otp_review_review_duration_seconds",
    help: "Time from a review's start to its check run's completion.",
    buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300],
    registers: [this.registry],
  });
  readonly queueWait = new Histogram({
    name: "otp_review_queue_wait_seconds",
    help: "Time a review job waited in the queue before it started.",
    buckets: [0.01, 0.1, 0.5, 1, 5, 15, 60, 300],
    registers: [this.registry],
  });
  readonly githubRequests = new Counter({ name: "otp_review_github_requests_total", help: "Requests to GitHub's API, by HTTP status.", labelNames: ["status"] as const, registers: [this.registry] });
  readonly incompleteFiles = new Counter({
    name: "otp_review_files_not_analysed_total",
    help: "Elixir files a review could not analyse completely (over the per-file budget, unreadable, unparsable).",
    registers: [this.registry],
  });
  readonly findings = new Counter({ name: "otp_review_findings_total", help: "Findings reported, by rule.", labelNames: ["rule"] as const, registers: [this.registry] });

  constructor(depth?: QueueDepth) {
    collectDefaultMetrics({ register: this.registry, prefix: "otp_review_" });
    if (depth) {
      new Gauge({
        name: "otp_review_queue_jobs",
        help: "Review jobs in the queue, by state.",
        labelNames: ["state"] as const,
        registers: [this.registry],
        async collect() {
          const { waiting, active } = await depth();
          this.set({ state: "waiting" }, waiting);
          this.set({ state: "active" }, active);
        },
      });
    }
  }
}
