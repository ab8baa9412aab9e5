import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { rules } from "../../rules/index.js";
import type { Finding, ReviewNote } from "../model.js";
import { analyseChanges, analyseFiles } from "../review/analyse-changes.js";
import type { PullRequestSource } from "../review/platform.js";
import { elixirFilesUnder } from "./files.js";
import { patchesSince } from "./git.js";

export interface CheckOptions {
  paths: readonly string[];
  /** Keep the findings on lines changed since this git revision, as the app keeps a PR's. */
  diff?: string;
  cwd: string;
}

/** The local review: the same engine and, with `diff`, the same scoping as the app. */
export async function check(options: CheckOptions): Promise<{ findings: Finding[]; notes: ReviewNote[] }> {
  const files = await elixirFilesUnder(options.paths, options.cwd);
  const reader = { readFile: (path: string) => readFile(resolve(options.cwd, path), "utf8") };
  if (options.diff === undefined) return analyseFiles(reader, files, rules);

  const patches = await patchesSince(options.diff, options.cwd);
  const selected = new Set(files);
  const changes: PullRequestSource = {
    ...reader,
    listChangedFiles: async () => [...patches].filter(([path]) => selected.has(path)).map(([path, patch]) => ({ path, status: "modified", patch })),
  };
  const { findings, notes } = await analyseChanges(changes, rules, "added");
  return { findings, notes };
}
