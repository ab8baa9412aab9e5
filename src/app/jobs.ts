import type { ReviewJob } from "../queue/review-queue.js";

/** The parts of a webhook payload a review job is made from (GitHub's payloads carry far more). */
interface RepositoryPayload {
  repository: { name: string; owner: { login: string }; default_branch: string };
  installation?: { id: number };
}

export interface PullRequestPayload extends RepositoryPayload {
  action: string;
  pull_request: { number: number; head: { sha: string }; state: string };
}

export interface CheckPayload extends RepositoryPayload {
  action: string;
  /** `check_run` or `check_suite`: both name the app they belong to, a head sha and pull requests. */
  check: { head_sha: string; app: { id: number | null } | null; pull_requests: ReadonlyArray<{ number: number }> };
}

export function jobFromPullRequest(payload: PullRequestPayload, deliveryId: string): ReviewJob | null {
  if (!payload.installation || payload.pull_request.state !== "open") return null;
  return {
    installationId: payload.installation.id,
    owner: payload.repository.owner.login,
    repo: payload.repository.name,
    pullNumber: payload.pull_request.number,
    headSha: payload.pull_request.head.sha,
    defaultBranch: payload.repository.default_branch,
    trigger: `pull_request.${payload.action}`,
    deliveryId,
  };
}

/** A re-run request for one of our own check runs or suites; other apps' check events are ignored. */
export function jobFromCheck(event: string, payload: CheckPayload, deliveryId: string, ourAppId: number): ReviewJob | null {
  if (!payload.installation || payload.check.app?.id !== ourAppId) return null;
  const pullNumber = payload.check.pull_requests[0]?.number;
  return {
    installationId: payload.installation.id,
    owner: payload.repository.owner.login,
    repo: payload.repository.name,
    ...(pullNumber === undefined ? {} : { pullNumber }),
    headSha: payload.check.head_sha,
    defaultBranch: payload.repository.default_branch,
    trigger: `${event}.${payload.action}`,
    deliveryId,
  };
}
