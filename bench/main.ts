#!/usr/bin/env node
import { readdirSync, readFileSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, relative } from "node:path";
import { performance } from "node:perf_hooks";
import { rules } from "../rules/index.js";
import { reviewSettings } from "../src/config/settings.js";
import { analyseSource } from "../src/engine/analyse.js";
import { analysisRequest } from "../src/engine/file-analyser.js";
import { parseElixir } from "../src/engine/parser.js";
import { DEFAULT_EXAMPLE_PATH, exampleSource } from "../src/engine/examples.js";
import { packageRoot } from "../src/package-root.js";
import { callWrappers, GENERATED_FUNCTIONS, taskStarters } from "./generated-modules.js";
import { ProcessPoolAnalyser } from "../src/sandbox/process-pool-analyser.js";

/**
 * How much the rules cost on top of parsing. Both are measured in the same run on the same
 * input, so the ratio holds on a noisy machine where seconds do not. Give folders of Elixir code
 * to measure on them (`npm run bench -- ~/src/phoenix`); otherwise the input is every rule's
 * examples and the example pull request, repeated into a large input (several MB, many files).
 * The app and the CLI analyse in a pool of processes under a per-file budget: that path is
 * measured too, against the same baseline.
 */
const RUNS = 5;
const LARGE_INPUT_BYTES = 4_000_000;

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

function bundledInput(): Array<{ path: string; source: string }> {
  const examples = rules.flatMap((rule) => [...rule.examples.valid, ...rule.examples.invalid].map((e) => ({ path: e.path ?? DEFAULT_EXAMPLE_PATH, source: exampleSource(e) })));
  const pr = elixirFiles(join(packageRoot(), "examples", "pull-request", "head")).map((path) => ({ path: relative(process.cwd(), path), source: readFileSync(path, "utf8") }));
  const unit = [...examples, ...pr];
  const unitBytes = unit.reduce((sum, f) => sum + Buffer.byteLength(f.source), 0);
  return Array.from({ length: Math.ceil(LARGE_INPUT_BYTES / unitBytes) }, (_, i) => unit.map((f) => ({ ...f, path: f.path.replace(/(\.exs?)$/, `_${i}$1`) }))).flat();
}

const dirs = process.argv.slice(2);
const files = dirs.length > 0 ? dirs.flatMap(elixirFiles).map((path) => ({ path: relative(process.cwd(), path), source: readFileSync(path, "utf8") })) : bundledInput();
const bytes = files.reduce((sum, f) => sum + Buffer.byteLength(f.source), 0);

const parseOnly: number[] = [];
const analysis: number[] = [];
let findings = 0;
for (let run = 0; run < RUNS; run++) {
  parseOnly.push(timed(() => files.forEach((f) => parseElixir(f.source))));
  analysis.push(timed(() => (findings = files.reduce((n, f) => n + analyseSource(f.path, f.source, rules).findings.length, 0))));
}

// The production path: every file sent to the process pool, as a review does.
const settings = reviewSettings(rules);
const pool = new ProcessPoolAnalyser();
const pooled: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const start = performance.now();
  await Promise.all(files.map((f) => pool.analyse(analysisRequest(f.path, f.source, settings))));
  pooled.push(performance.now() - start);
}
await pool.close();

// One module of a thousand functions of one shape: the analysis must stay linear in its size.
const generated = [
  { name: `${GENERATED_FUNCTIONS} GenServer.call wrappers`, source: callWrappers() },
  { name: `${GENERATED_FUNCTIONS} private functions starting a task`, source: taskStarters() },
].map(({ name, source }) => {
  const parse: number[] = [];
  const analyse: number[] = [];
  let found = 0;
  for (let run = 0; run < RUNS; run++) {
    parse.push(timed(() => parseElixir(source)));
    analyse.push(timed(() => (found = analyseSource("lib/my_app/generated.ex", source, rules).findings.length)));
  }
  return `${name}: parse ${median(parse).toFixed(1)} ms, analysis ${median(analyse).toFixed(1)} ms, ${found} findings — ratio ${(median(analyse) / median(parse)).toFixed(2)}× (target ≤ 2×)`;
});

const parseMs = median(parseOnly);
const pooledMs = median(pooled);
const analysisMs = median(analysis);
const mb = bytes / 1e6;
process.stdout.write(
  [
    `input: ${files.length} files, ${(bytes / 1e6).toFixed(1)} MB (${dirs.length > 0 ? dirs.join(", ") : "rule examples and the example PR, repeated"}); ${RUNS} runs, medians`,
    `baseline — tree-sitter parse only: ${parseMs.toFixed(1)} ms (${(mb / (parseMs / 1000)).toFixed(1)} MB/s)`,
    `analysis — parse + ${rules.length} rules:    ${analysisMs.toFixed(1)} ms (${(mb / (analysisMs / 1000)).toFixed(1)} MB/s), ${findings} findings`,
    `ratio analysis/parse: ${(analysisMs / parseMs).toFixed(2)}×`,
    `process pool — ${availableParallelism()} CPUs, per-file budget: ${pooledMs.toFixed(1)} ms (${(mb / (pooledMs / 1000)).toFixed(1)} MB/s)`,
    `ratio pool/parse: ${(pooledMs / parseMs).toFixed(2)}×`,
    ...generated,
    "",
  ].join("\n"),
);
