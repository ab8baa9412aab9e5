import pLimit from "p-limit";
import { placeFindings, type FileDiff, type Scope } from "../diff/scope.js";
import { changedLinesOfPatch } from "../diff/patch.js";
import { analyseSource } from "../engine/analyse.js";
import { isElixirPath } from "../engine/file-kind.js";
import type { Rule } from "../engine/rule.js";
import type { Finding, PlacedFinding, ReviewNote } from "../model.js";
import type { PullRequestSource } from "./platform.js";

/** Files fetched at once: enough to hide latency, few enough to stay far from GitHub's 100 concurrent requests. */
export const FILE_FETCH_CONCURRENCY = 8;

export interface ChangesAnalysis {
  elixirFiles: number;
  findings: PlacedFinding[];
  notes: ReviewNote[];
}

/**
 * The pipeline every review runs, in the app, the CLI and the demo: the changed Elixir files,
 * each parsed once and judged by every rule, the findings kept to the change's scope.
 */
export async function analyseChanges(pullRequest: PullRequestSource, rules: readonly Rule[], scope: Scope): Promise<ChangesAnalysis> {
  const files = (await pullRequest.listChangedFiles()).filter((f) => f.status !== "removed" && isElixirPath(f.path));
  const diffs = new Map<string, FileDiff>(files.map((f) => [f.path, f.patch === undefined ? null : changedLinesOfPatch(f.patch)]));
  const limit = pLimit(FILE_FETCH_CONCURRENCY);
  const findings: Finding[] = [];
  const notes: ReviewNote[] = [];
  await Promise.all(
    files.map((file) =>
      limit(async () => {
        let text: string;
        try {
          text = await pullRequest.readFile(file.path);
        } catch (error) {
          notes.push({ path: file.path, message: `could not be read: ${error instanceof Error ? error.message : String(error)}` });
          return;
        }
        const analysis = analyseSource(file.path, text, rules);
        findings.push(...analysis.findings);
        notes.push(...analysis.notes);
      }),
    ),
  );
  const missingPatches = files.filter((f) => f.patch === undefined).map((f) => ({ path: f.path, message: "has a diff too large for GitHub to show: analysed whole, its findings are in this check run only" }));
  return { elixirFiles: files.length, findings: placeFindings(findings.sort(byLocation), diffs, scope), notes: [...notes.sort(byPath), ...missingPatches] };
}

function byLocation(a: Finding, b: Finding): number {
  return a.path.localeCompare(b.path) || a.line - b.line || a.column - b.column;
}

function byPath(a: ReviewNote, b: ReviewNote): number {
  return (a.path ?? "").localeCompare(b.path ?? "");
}
