import pLimit from "p-limit";
import type { ReviewSettings } from "../config/settings.js";
import { placeFindings, type FileDiff } from "../diff/scope.js";
import { changedLinesOfPatch } from "../diff/patch.js";
import { isComplete, type Analysis } from "../engine/analyse.js";
import { analysisRequest, type FileAnalyser } from "../engine/file-analyser.js";
import { isElixirPath } from "../engine/file-kind.js";
import type { Finding, PlacedFinding, ReviewNote } from "../model.js";
import type { ChangedFile, PullRequestSource } from "./platform.js";

/** Files fetched at once: enough to hide latency, few enough to stay far from GitHub's 100 concurrent requests. */
export const FILE_FETCH_CONCURRENCY = 8;

export interface ChangesAnalysis {
  elixirFiles: number;
  findings: PlacedFinding[];
  notes: ReviewNote[];
  /** The files analysed completely, and the fingerprints of every finding in them, in scope or not. */
  complete: { paths: Set<string>; fingerprints: Set<string> };
}

/**
 * The pipeline every review runs, in the app, the CLI and the demo: the changed Elixir files,
 * each parsed once and judged by every rule, the findings kept to the change's scope.
 */
export async function analyseChanges(
  changed: readonly ChangedFile[],
  reader: Pick<PullRequestSource, "readFile">,
  settings: ReviewSettings,
  analyser: FileAnalyser,
  stop?: AbortSignal,
): Promise<ChangesAnalysis> {
  const files = changed.filter((f) => f.status !== "removed" && isElixirPath(f.path) && settings.includes(f.path));
  const diffs = new Map<string, FileDiff>(files.map((f) => [f.path, f.patch === undefined ? null : changedLinesOfPatch(f.patch)]));
  const { findings, notes, completePaths } = await analyseFiles(
    reader,
    files.map((f) => f.path),
    settings,
    analyser,
    stop,
  );
  const missingPatches = files
    .filter((f) => f.patch === undefined)
    .map((f) => ({ path: f.path, message: "has a diff too large for GitHub to show: analysed whole, its findings are in this check run only" }));
  const complete = { paths: completePaths, fingerprints: new Set(findings.filter((f) => completePaths.has(f.path)).map((f) => f.fingerprint)) };
  return { elixirFiles: files.length, findings: placeFindings(findings, diffs, settings.scope), notes: [...notes, ...missingPatches], complete };
}

/**
 * Reads a bounded number of files at a time and has the analyser parse each once and run every
 * rule over it. Only the text of files in flight is held, so memory stays flat on big PRs. Once
 * `stop` aborts (the commit was superseded), the files not yet started are left alone.
 */
export async function analyseFiles(
  reader: Pick<PullRequestSource, "readFile">,
  paths: readonly string[],
  settings: ReviewSettings,
  analyser: FileAnalyser,
  stop?: AbortSignal,
): Promise<Analysis & { completePaths: Set<string> }> {
  const limit = pLimit(FILE_FETCH_CONCURRENCY);
  const findings: Finding[] = [];
  const notes: ReviewNote[] = [];
  const completePaths = new Set<string>();
  await Promise.all(
    paths.map((path) =>
      limit(async () => {
        if (stop?.aborted) return;
        let text: string;
        try {
          text = await reader.readFile(path);
        } catch (error) {
          notes.push({ path, message: `could not be read: ${error instanceof Error ? error.message : String(error)}` });
          return;
        }
        const analysis = await analyser.analyse(analysisRequest(path, text, settings));
        findings.push(...analysis.findings);
        notes.push(...analysis.notes);
        if (isComplete(analysis)) completePaths.add(path);
      }),
    ),
  );
  return { findings: findings.sort(byLocation), notes: notes.sort(byPath), completePaths };
}

function byLocation(a: Finding, b: Finding): number {
  return a.path.localeCompare(b.path) || a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId);
}

function byPath(a: ReviewNote, b: ReviewNote): number {
  return (a.path ?? "").localeCompare(b.path ?? "");
}
