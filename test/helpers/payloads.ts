import examples from "@octokit/webhooks-examples" with { type: "json" };

type Json = Record<string, any>;

function example(event: string, action: string): Json {
  const found = (examples as unknown as Array<{ name: string; examples: Json[] }>).find((e) => e.name === event)?.examples.find((e) => e["action"] === action);
  if (!found) throw new Error(`no ${event}.${action} example in @octokit/webhooks-examples`);
  return structuredClone(found);
}

export const INSTALLATION_ID = 4242;

export interface PullRequestRef {
  owner: string;
  repo: string;
  number: number;
  headSha: string;
}

/** GitHub's own example payload for the event, pointed at our repository, PR and head commit. */
export function pullRequestEvent(action: string, pr: PullRequestRef): Json {
  const payload = example("pull_request", action);
  payload["number"] = pr.number;
  Object.assign(payload["pull_request"], { number: pr.number, state: "open" });
  payload["pull_request"].head.sha = pr.headSha;
  Object.assign(payload["repository"], { name: pr.repo, full_name: `${pr.owner}/${pr.repo}` });
  payload["repository"].owner.login = pr.owner;
  payload["installation"] = { id: INSTALLATION_ID, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDI0Mg==" };
  return payload;
}

/** A `check_run.rerequested` of a run that belongs to the app with `appId`. */
export function checkRunRerequested(pr: PullRequestRef, appId: number, pullRequests = [pr.number]): Json {
  return checkRunEvent("rerequested", pr, appId, pullRequests);
}

/** A button of our check run was pressed: `check_run.requested_action` with its identifier. */
export function checkRunRequestedAction(pr: PullRequestRef, appId: number, identifier: string): Json {
  const payload = checkRunEvent("requested_action", pr, appId, [pr.number]);
  payload["requested_action"] = { identifier };
  return payload;
}

function checkRunEvent(action: string, pr: PullRequestRef, appId: number, pullRequests: number[]): Json {
  const payload = example("check_run", action);
  Object.assign(payload["check_run"], { head_sha: pr.headSha, name: "OTP Review", pull_requests: pullRequests.map((number) => ({ number, head: { sha: pr.headSha } })) });
  payload["check_run"].app.id = appId;
  Object.assign(payload["repository"], { name: pr.repo, full_name: `${pr.owner}/${pr.repo}` });
  payload["repository"].owner.login = pr.owner;
  payload["installation"] = { id: INSTALLATION_ID, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDI0Mg==" };
  return payload;
}

/** GitHub's `pull_request_review_comment.created` example, made a reply by `user` to comment `inReplyTo`. */
export function reviewCommentReply(pr: PullRequestRef, reply: { id: number; inReplyTo: number | undefined; body: string; user: string; type?: "User" | "Bot"; appId?: number }): Json {
  const payload = example("pull_request_review_comment", "created");
  Object.assign(payload["comment"], { id: reply.id, body: reply.body, ...(reply.inReplyTo === undefined ? {} : { in_reply_to_id: reply.inReplyTo }) });
  payload["comment"].user = { ...payload["comment"].user, login: reply.user, type: reply.type ?? "User" };
  if (reply.appId !== undefined) payload["comment"].performed_via_github_app = { id: reply.appId };
  payload["pull_request"].number = pr.number;
  payload["pull_request"].head = { ...payload["pull_request"].head, sha: pr.headSha };
  Object.assign(payload["repository"], { name: pr.repo, full_name: `${pr.owner}/${pr.repo}` });
  payload["repository"].owner.login = pr.owner;
  payload["installation"] = { id: INSTALLATION_ID, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDI0Mg==" };
  return payload;
}
