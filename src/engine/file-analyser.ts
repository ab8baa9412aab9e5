import type { Severity } from "../model.js";
import { analyseSource, type Analysis, type RuleOptions } from "./analyse.js";
import type { FileKind } from "./file-kind.js";
import type { OptionValues, Rule } from "./rule.js";

/**
 * One file's analysis, as plain data: it crosses a process boundary (see `src/sandbox`), so it
 * names rules by id instead of carrying their functions.
 */
export interface AnalysisRequest {
  path: string;
  source: string;
  kind: FileKind;
  /** The rules that run, with the policy's severities. */
  rules: ReadonlyArray<{ id: string; severity: Severity }>;
  options: Readonly<Record<string, OptionValues>>;
}

/** Analyses one file at a time: in this process, or in a pool of processes under a budget. */
export interface FileAnalyser {
  analyse(request: AnalysisRequest): Promise<Analysis>;
  /** Stops whatever the analyser started (processes); analyses after this fail. */
  close(): Promise<void>;
}

/** What a request is made from: a policy's review settings are one. */
export interface RuleSelection {
  rules: readonly Rule[];
  options: RuleOptions;
  kindOf(path: string): FileKind;
}

export function analysisRequest(path: string, source: string, settings: RuleSelection): AnalysisRequest {
  return {
    path,
    source,
    kind: settings.kindOf(path),
    rules: settings.rules.map((rule) => ({ id: rule.meta.id, severity: rule.meta.severity })),
    options: Object.fromEntries(settings.options),
  };
}

/** Runs a request with the rules of `registry` it names, wherever it is received. */
export function runAnalysisRequest(request: AnalysisRequest, registry: readonly Rule[]): Analysis {
  const byId = new Map(registry.map((rule) => [rule.meta.id, rule]));
  const rules = request.rules.map(({ id, severity }) => {
    const rule = byId.get(id);
    if (!rule) throw new Error(`otp-review: no rule ${id} in this analyser`);
    return rule.meta.severity === severity ? rule : { ...rule, meta: { ...rule.meta, severity } };
  });
  return analyseSource(request.path, request.source, rules, new Map(Object.entries(request.options)), request.kind, new Set(byId.keys()));
}

/**
 * Analyses in the calling process. Fast to start, but a pathological file blocks the process
 * for as long as tree-sitter takes: for tests, benchmarks and custom rule sets.
 */
export function inProcessAnalyser(registry: readonly Rule[]): FileAnalyser {
  return {
    analyse: async (request) => runAnalysisRequest(request, registry),
    close: async () => {},
  };
}
