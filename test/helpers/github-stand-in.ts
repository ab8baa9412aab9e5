import { readFileSync } from "node:fs";
import { join } from "node:path";
import nock from "nock";
import { afterEach, beforeEach, expect } from "vitest";
import { packageRoot } from "../../src/package-root.js";
import type { PullRequestRef } from "./payloads.js";
import { schemaErrors, type Operation } from "./github-schemas.js";
import { INSTALLATION_ID } from "./payloads.js";
import { APP_ID } from "./probot.js";

/** A file as `pulls.listFiles` returns it. */
export interface ListedFile {
  filename: string;
  status: string;
  patch?: string;
  [key: string]: unknown;
}

export interface PullRequestData extends PullRequestRef {
  /** What `pulls.listFiles` answers, in order. */
  files: ListedFile[];
  /** File contents at the head commit, by path. */
  contents: Record<string, string>;
}

/** The Elixir files of the example pull request that still exist at its head: the ones a review fetches. */
export const EXAMPLE_ELIXIR_FILES = ["lib/shop/cart_server.ex", "lib/shop/cluster.ex", "lib/shop/dashboard.ex", "lib/shop/pricing.ex", "test/shop/dashboard_test.exs"];

/**
 * Every test of the app runs with the network closed; after each, no interceptor is left and no
 * request body broke GitHub's REST description.
 */
export function closeTheNetwork(): void {
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
    expect(schemaViolations.splice(0), "request bodies GitHub's REST description rejects").toEqual([]);
  });
}

/** The example pull request the demo reviews, in GitHub's shapes. */
export function examplePullRequest(): PullRequestData {
  const dir = join(packageRoot(), "examples", "pull-request");
  const meta = JSON.parse(readFileSync(join(dir, "pull-request.json"), "utf8"));
  const files = JSON.parse(readFileSync(join(dir, "files.json"), "utf8")) as ListedFile[];
  const contents = Object.fromEntries(files.filter((f) => f.status !== "removed").map((f) => [f.filename, readFileSync(join(dir, "head", f.filename), "utf8")]));
  return { owner: meta.owner, repo: meta.repo, number: meta.number, headSha: meta.head_sha, files, contents };
}

/** Every request the app made that changes something on GitHub, with its body. */
export interface Recorded {
  checkRunCreates: any[];
  checkRunUpdates: Array<{ id: number; body: any }>;
  reviews: any[];
  commentUpdates: Array<{ id: number; body: any }>;
  resolvedThreads: string[];
  contentRequests: Array<{ path: string; ref: string; accept: string }>;
  fileListPages: string[];
}

/**
 * GitHub's REST API for one pull request, intercepted with nock: it answers what a real GitHub
 * would for this PR and records what the app sent.
 */
export class GitHubStandIn {
  readonly scope: nock.Scope;
  readonly recorded: Recorded = { checkRunCreates: [], checkRunUpdates: [], reviews: [], commentUpdates: [], resolvedThreads: [], contentRequests: [], fileListPages: [] };
  private nextCheckRunId = 9000;

  constructor(
    readonly pr: PullRequestData,
    readonly baseUrl = "https://api.github.com",
  ) {
    this.scope = nock(baseUrl);
  }

  get repoPath(): string {
    return `/repos/${this.pr.owner}/${this.pr.repo}`;
  }

  installationToken(): this {
    this.scope
      .post(`/app/installations/${INSTALLATION_ID}/access_tokens`)
      .reply(201, { token: "ghs_test_installation_token", expires_at: "2099-01-01T00:00:00Z", permissions: { checks: "write", pull_requests: "write", contents: "read", metadata: "read" } });
    return this;
  }

  /**
   * `pulls.listFiles`, paginated `perPage` at a time with GitHub's `Link` header; answered once
   * `until` settles, when given (a slow GitHub).
   */
  listFiles(perPage = 100, until?: Promise<unknown>): this {
    const pages = Math.max(1, Math.ceil(this.pr.files.length / perPage));
    for (let page = 1; page <= pages; page++) {
      const query = page === 1 ? { per_page: String(perPage) } : { per_page: String(perPage), page: String(page) };
      const link = page < pages ? { Link: `<${this.baseUrl}${this.repoPath}/pulls/${this.pr.number}/files?per_page=${perPage}&page=${page + 1}>; rel="next"` } : undefined;
      this.scope
        .get(`${this.repoPath}/pulls/${this.pr.number}/files`)
        .query(query)
        .reply(async () => {
          this.recorded.fileListPages.push(String(page));
          await until;
          return [200, this.pr.files.slice((page - 1) * perPage, page * perPage), link ?? {}];
        });
    }
    return this;
  }

  /** `repos.getContent` of each path at the head sha, answered raw as GitHub does for `application/vnd.github.raw`. */
  contents(paths: readonly string[] = Object.keys(this.pr.contents)): this {
    for (const path of paths) {
      const recorded = this.recorded.contentRequests;
      const content = this.pr.contents[path];
      this.scope
        .get(`${this.repoPath}/contents/${encodeURIComponent(path)}`)
        .query(true)
        .reply(function (uri) {
          const url = new URL(uri, "https://x");
          recorded.push({ path, ref: url.searchParams.get("ref") ?? "", accept: String(this.req.headers["accept"]) });
          return content === undefined ? [404, { message: "Not Found" }] : [200, content, { "content-type": "text/plain; charset=utf-8" }];
        });
    }
    return this;
  }

  /** `pulls.get`: the pull request, whose head is `headSha` (the reviewed commit unless it moved). */
  headCommit(headSha = this.pr.headSha): this {
    this.scope.get(`${this.repoPath}/pulls/${this.pr.number}`).reply(200, { number: this.pr.number, state: "open", head: { sha: headSha } });
    return this;
  }

  /** `pulls.listReviewComments`: bodies (on an unrelated file), or comments with their own path. */
  comments(existing: ReadonlyArray<string | { body: string; path: string; id?: number; performed_via_github_app?: { id: number } | null }>): this {
    // The app's own comments unless said otherwise (`performed_via_github_app: null`: a person's).
    const comments = existing.map((c, i) => ({ id: 100 + i, line: 1, performed_via_github_app: { id: APP_ID }, ...(typeof c === "string" ? { body: c, path: "lib/x.ex" } : c) }));
    this.scope.get(`${this.repoPath}/pulls/${this.pr.number}/comments`).query({ per_page: "100" }).reply(200, comments);
    return this;
  }

  /** `pulls.updateReviewComment`, recorded. */
  updateComment(id: number): this {
    this.scope.patch(`${this.repoPath}/pulls/comments/${id}`).reply((_uri, body) => {
      this.recorded.commentUpdates.push({ id, body });
      return validated("pulls/update-review-comment", body) ?? [200, { id }];
    });
    return this;
  }

  /** GraphQL: the review threads of the pull request, and `resolveReviewThread`; or missing (404, some GitHub Enterprise servers), or failing for a moment (502). */
  graphql(threads: Array<{ id: string; commentId: number; isResolved?: boolean }> | "unavailable" | "failing"): this {
    const path = new URL(this.baseUrl).pathname.replace(/\/v3\/?$/, "").replace(/\/$/, "") + "/graphql";
    if (threads === "unavailable" || threads === "failing") {
      this.scope.post(path).reply(threads === "unavailable" ? 404 : 502, { message: threads === "unavailable" ? "Not Found" : "Bad Gateway" });
      return this;
    }
    this.scope
      .post(path)
      .times(threads.some((t) => !t.isResolved) ? 2 : 1)
      .reply(200, (_uri, body) => {
        const request = body as { query: string; variables: Record<string, unknown> };
        if (request.query.includes("resolveReviewThread")) {
          this.recorded.resolvedThreads.push(String(request.variables["thread"]));
          return { data: { resolveReviewThread: { thread: { id: request.variables["thread"] } } } };
        }
        const nodes = threads.map((t) => ({ id: t.id, isResolved: t.isResolved ?? false, comments: { nodes: [{ databaseId: t.commentId }] } }));
        return { data: { repository: { pullRequest: { reviewThreads: { nodes, pageInfo: { hasNextPage: false, endCursor: null } } } } } };
      });
    return this;
  }

  /**
   * `.github/otp-review.yml` on the repository's default branch (`ref` asserted) and in the
   * organisation's `.github` repository. `undefined` answers 404, as GitHub does.
   */
  policy(repoText?: string, orgText?: string, defaultBranch = "master"): this {
    const path = encodeURIComponent(".github/otp-review.yml");
    const answer = (text: string | undefined): [number, string | object] => (text === undefined ? [404, { message: "Not Found" }] : [200, text]);
    this.scope
      .get(`${this.repoPath}/contents/${path}`)
      .query({ ref: defaultBranch })
      .reply(() => answer(repoText));
    this.scope.get(`/repos/${this.pr.owner}/.github/contents/${path}`).reply(() => answer(orgText));
    // Read with the policy, after the analysis: none unless a test gives one (`baseline`).
    if (!this.hasBaseline)
      this.scope
        .get(`${this.repoPath}/contents/${encodeURIComponent(".github/otp-review-baseline.json")}`)
        .query({ ref: defaultBranch })
        .optionally()
        .reply(404, { message: "Not Found" });
    return this;
  }

  private hasBaseline = false;

  /** `.github/otp-review-baseline.json` on the default branch; call before `policy`. */
  baseline(text: string, defaultBranch = "master"): this {
    this.hasBaseline = true;
    this.scope
      .get(`${this.repoPath}/contents/${encodeURIComponent(".github/otp-review-baseline.json")}`)
      .query({ ref: defaultBranch })
      .reply(200, text);
    return this;
  }

  createCheckRun(): this {
    this.scope.post(`${this.repoPath}/check-runs`).reply((_uri, body) => {
      this.recorded.checkRunCreates.push(body);
      return validated("checks/create", body) ?? [201, { id: this.nextCheckRunId++, status: "in_progress" }];
    });
    return this;
  }

  updateCheckRun(times = 1): this {
    this.scope
      .patch((uri) => new RegExp(`${this.repoPath}/check-runs/\\d+$`).test(uri))
      .times(times)
      .reply((uri, body) => {
        this.recorded.checkRunUpdates.push({ id: Number(uri.split("/").pop()), body });
        return validated("checks/update", body) ?? [200, { id: Number(uri.split("/").pop()) }];
      });
    return this;
  }

  /** The next check run update is refused, as GitHub refuses an invalid one. */
  refuseCheckRunUpdate(status: number, message: string): this {
    this.scope.patch((uri) => new RegExp(`${this.repoPath}/check-runs/\\d+$`).test(uri)).reply(status, { message });
    return this;
  }

  createReview(status = 200): this {
    this.scope.post(`${this.repoPath}/pulls/${this.pr.number}/reviews`).reply((_uri, body) => {
      this.recorded.reviews.push(body);
      return validated("pulls/create-review", body) ?? (status === 200 ? [200, { id: 77, state: "COMMENTED" }] : [status, { message: "Unprocessable Entity", errors: ["Line could not be resolved"] }]);
    });
    return this;
  }
}

/** Bodies GitHub's REST description rejects, across every stand-in: a test's afterEach expects none. */
export const schemaViolations: string[] = [];

/** GitHub's answer (422) to a body its REST description rejects; undefined when the body is valid. */
export function validated(operation: Operation, body: unknown): [number, object] | undefined {
  const errors = schemaErrors(operation, body);
  if (errors === null) return undefined;
  schemaViolations.push(`${operation}: ${errors}`);
  return [422, { message: "Invalid request.", errors: [errors] }];
}
