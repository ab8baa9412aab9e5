import type { IncomingMessage, ServerResponse } from "node:http";
import type { ReviewQueue } from "../queue/review-queue.js";
import type { ServiceMetrics } from "./metrics.js";

/**
 * The endpoints an orchestrator and a monitoring system ask: `/healthz` (the process answers:
 * restart it if not), `/readyz` (the queue can take jobs: Redis reachable, when there is one;
 * send no webhooks here if not) and `/metrics` (Prometheus). Returns false for any other path,
 * so Probot's own routes (the webhook) answer it.
 */
export function opsHandler(queue: ReviewQueue, metrics: ServiceMetrics) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<boolean> => {
    if (request.method !== "GET") return false;
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    switch (path) {
      case "/healthz":
        response.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
        return true;
      case "/readyz": {
        const ready = await queue.ready();
        response.writeHead(ready ? 200 : 503, { "content-type": "text/plain" }).end(ready ? "ready\n" : "the review queue cannot take jobs\n");
        return true;
      }
      case "/metrics":
        response.writeHead(200, { "content-type": metrics.registry.contentType }).end(await metrics.registry.metrics());
        return true;
      default:
        return false;
    }
  };
}
