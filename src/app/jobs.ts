import type { ReviewJob } from "../queue/review-queue.js";

/** The parts of a webhook payload a review job is made from (GitHub's payloads carry far more). */
interface RepositoryPayload {
  repository: { name: string; owner: { login: string }; default_branch: string };
  installation?: { id: number };
}

export interface PullRequestPayload extends RepositoryPayload {
  action: string;
  /** On `labeled` and `unlabeled`. */
  label?: { name: string };
  pull_request: { number: number; head: { sha: string }; state: string; draft?: boolean; labels?: ReadonlyArray<{ name: string }> };
}

export interface CheckPayload extends RepositoryPayload {
  action: string;
  /** `check_run` or `check_suite`: both name the app they belong to, a head sha and pull requests. */
  check: { head_sha: string; app: { id: number | null } | null; pull_requests: ReadonlyArray<{ number: number }> };
}

/**
 * What a payload lacks of the fields a job is made from, or null when it has them all. GitHub's
 * payloads always carry them; a payload that does not (a proxy that trims it, a hand-made test
 * delivery) is answered 2xx and logged, never a 500 that GitHub would show as a failed delivery.
 */
export function missingFields(payload: unknown, paths: readonly string[]): string[] {
  return paths.filter((path) => path.split(".").reduce<unknown>((value, key) => (value as Record<string, unknown> | null | undefined)?.[key], payload) === undefined);
}

export const PULL_REQUEST_FIELDS = ["repository.name", "repository.owner.login", "repository.default_branch", "pull_request.number", "pull_request.state", "pull_request.head.sha"] as const;
export const CHECK_FIELDS = ["repository.name", "repository.owner.login", "repository.default_branch", "check.head_sha", "check.pull_requests"] as const;

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
    draft: payload.pull_request.draft ?? false,
    labels: (payload.pull_request.labels ?? []).map((label) => label.name),
    ...(payload.label && (payload.action === "labeled" || payload.action === "unlabeled") ? { changedLabel: payload.label.name } : {}),
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
