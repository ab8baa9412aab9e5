#!/usr/bin/env node
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { performance } from "node:perf_hooks";
import { rules } from "../rules/index.js";
import { analyseSource } from "../src/engine/analyse.js";
import { parseElixir } from "../src/engine/parser.js";
import { packageRoot } from "../src/package-root.js";

/**
 * How much the rules cost on top of parsing. Both are measured in the same run on the same
 * files, so the ratio holds on a noisy machine where seconds do not. Give folders of Elixir code
 * to measure on them (`npm run bench -- ~/src/phoenix`); the bundled example PR otherwise.
 */
const RUNS = 7;

function elixirFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => /\.exs?$/.test(f) && !/(^|\/)(deps|_build|node_modules)\//.test(f))
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function timed(work: () => void): number {
  const start = performance.now();
  work();
  return performance.now() - start;
}

const dirs = process.argv.slice(2);
const root = packageRoot();
const paths = (dirs.length > 0 ? dirs : [join(root, "examples", "pull-request", "head")]).flatMap(elixirFiles);
const files = paths.map((path) => ({ path: relative(process.cwd(), path), source: readFileSync(path, "utf8") }));
const bytes = files.reduce((sum, f) => sum + Buffer.byteLength(f.source), 0);
// Small inputs are repeated so each timed run lasts long enough to measure.
const repeat = Math.max(1, Math.ceil(2_000_000 / bytes));

const parseOnly: number[] = [];
const analysis: number[] = [];
let findings = 0;
for (let run = 0; run < RUNS; run++) {
  parseOnly.push(timed(() => { for (let i = 0; i < repeat; i++) for (const f of files) parseElixir(f.source); }));
  analysis.push(timed(() => { findings = 0; for (let i = 0; i < repeat; i++) for (const f of files) findings += analyseSource(f.path, f.source, rules).findings.length; }));
}

const parseMs = median(parseOnly);
const analysisMs = median(analysis);
const mb = (bytes * repeat) / 1e6;
process.stdout.write(
  [
    `files: ${files.length} (${(bytes / 1024).toFixed(0)} KiB, ×${repeat} per run, ${RUNS} runs, medians)`,
    `baseline — tree-sitter parse only: ${parseMs.toFixed(1)} ms (${(mb / (parseMs / 1000)).toFixed(1)} MB/s)`,
    `analysis — parse + ${rules.length} rules:    ${analysisMs.toFixed(1)} ms (${(mb / (analysisMs / 1000)).toFixed(1)} MB/s), ${findings / repeat} findings`,
    `ratio analysis/parse: ${(analysisMs / parseMs).toFixed(2)}×`,
    "",
  ].join("\n"),
);
