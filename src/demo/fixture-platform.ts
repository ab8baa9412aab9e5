import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { CheckRunOutput } from "../report/check-run.js";
import type { ChangedFile, ReviewDraft, ReviewPlatform } from "../review/platform.js";

export interface FixturePullRequest {
  owner: string;
  repo: string;
  number: number;
  title: string;
  head_sha: string;
}

/** What the review would have posted to GitHub. */
export interface Posted {
  review?: ReviewDraft;
  checkRun?: { status: "in_progress" | "completed"; output?: CheckRunOutput };
}

/**
 * A pull request stored on disk in GitHub's own shapes — `files.json` as `pulls.listFiles`
 * returns it, the head commit's files under `head/` — that records what would be posted.
 */
export function fixturePlatform(directory: string, posted: Posted): ReviewPlatform {
  return {
    currentHeadSha: async () => (await readFixturePullRequest(directory)).head_sha,
    readPolicies: async () => ({}),
    readBaseline: async () => undefined,
    async listChangedFiles(): Promise<ChangedFile[]> {
      const files = JSON.parse(await readFile(join(directory, "files.json"), "utf8")) as Array<{ filename: string; status: ChangedFile["status"]; patch?: string }>;
      return files.map((f) => ({ path: f.filename, status: f.status, ...(f.patch === undefined ? {} : { patch: f.patch }) }));
    },
    readFile: (path) => readFile(join(directory, "head", path), "utf8"),
    async findOpenCheckRun() {
      return undefined;
    },
    async startCheckRun() {
      posted.checkRun = { status: "in_progress" };
      return 1;
    },
    async completeCheckRun(_id, output) {
      posted.checkRun = { status: "completed", output };
    },
    listComments: async () => [],
    markFixed: async () => {},
    async createReview(review) {
      posted.review = review;
    },
  };
}

export async function readFixturePullRequest(directory: string): Promise<FixturePullRequest> {
  return JSON.parse(await readFile(join(directory, "pull-request.json"), "utf8")) as FixturePullRequest;
}
