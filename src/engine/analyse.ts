import type { Finding, ReviewNote } from "../model.js";
import { codeKindAt } from "./elixir.js";
import { fileKind, type FileKind } from "./file-kind.js";
import { fingerprint } from "./fingerprint.js";
import { parseElixir, type SyntaxNode } from "./parser.js";
import { matchesByRule } from "./rule-queries.js";
import { optionValues, type Captures, type Fix, type OptionValues, type Rule, type SourceFile, type Verdict } from "./rule.js";
import { isSuppressed, suppressionsIn } from "./suppressions.js";

/**
 * Files above this size are not parsed: tree-sitter-elixir's parse time and memory grow faster
 * than linearly on generated code (a 1 MB generated file takes seconds and gigabytes).
 */
export const MAX_SOURCE_BYTES = 512 * 1024;

export interface Analysis {
  findings: Finding[];
  /** What could not be analysed, or analysed only in part: said in the check run. */
  notes: ReviewNote[];
}

/** True when the analysis of a file saw all of it: nothing skipped, nothing broken, no rule failed. */
export function isComplete(analysis: Analysis): boolean {
  return analysis.notes.length === 0;
}

/** Option values by rule id, where a policy sets them; defaults otherwise. */
export type RuleOptions = ReadonlyMap<string, OptionValues>;

/**
 * Parses one file once, runs every rule over its tree and drops what the file's
 * `# otp-review:disable…` comments suppress. Never throws for a rule's sake.
 */
export function analyseSource(path: string, source: string, rules: readonly Rule[], options: RuleOptions = new Map(), kind: FileKind = fileKind(path)): Analysis {
  const skipped = reasonToSkip(source);
  if (skipped) return { findings: [], notes: [{ path, message: skipped }] };

  const tree = parseElixir(source);
  const knownRuleIds = new Set(rules.map((r) => r.meta.id));
  const file: SourceFile = { path, source, kind, root: tree.rootNode, knownRuleIds };
  const notes: ReviewNote[] = [];
  if (tree.rootNode.hasError) {
    notes.push({ path, message: `has syntax errors (line ${firstErrorLine(tree.rootNode)}); analysed the parts that parse` });
  }

  const matches = matchesByRule(rules, tree.rootNode);
  const findings: Located[] = [];
  rules.forEach((rule, index) => {
    if (!rule.meta.appliesTo.includes(file.kind)) return;
    try {
      findings.push(...runRule(rule, matches[index]!, file, optionValues(rule, options.get(rule.meta.id))));
    } catch (error) {
      notes.push({ path, ruleId: rule.meta.id, message: `rule ${rule.meta.id} failed on this file: ${errorMessage(error)}` });
    }
  });
  const suppressions = suppressionsIn(tree.rootNode, source);
  const kept = findings.filter((f) => !isSuppressed(f, suppressions));
  return { findings: withFingerprints(kept.sort(bySourceOrder)), notes };
}

/** Why a file is not parsed at all — binary, or over the size limit — or undefined. */
export function reasonToSkip(source: string): string | undefined {
  if (source.includes("\u0000")) return "is binary, not Elixir source; skipped";
  const bytes = Buffer.byteLength(source);
  if (bytes > MAX_SOURCE_BYTES) return `is ${Math.round(bytes / 1024)} KiB, over the ${MAX_SOURCE_BYTES / 1024} KiB analysis limit; skipped`;
  return undefined;
}

type Located = Omit<Finding, "fingerprint"> & { flagged: string };

function runRule(rule: Rule, matches: readonly Captures[], file: SourceFile, options: OptionValues): Located[] {
  const seen = new Set<number>();
  const found: Located[] = [];
  for (const captures of matches) {
    const report = captures["report"];
    if (!report) throw new Error(`query of ${rule.meta.id} has no @report capture`);
    const verdict = refineMatch(rule, captures, file, options);
    if (!verdict) continue;
    const node = verdict === true ? report : (verdict.node ?? report);
    if (seen.has(node.id) || !rule.meta.appliesTo.includes(codeKindAt(node, file.kind))) continue;
    seen.add(node.id);
    const located = locate(rule, file, node, verdict === true ? undefined : verdict.message);
    const suggestion = verdict === true || !verdict.fix ? undefined : fixedLine(file.source, verdict.fix);
    found.push(suggestion === undefined ? located : { ...located, suggestion });
  }
  return found;
}

function refineMatch(rule: Rule, captures: Captures, file: SourceFile, options: OptionValues): Verdict {
  if (!rule.refine) return true;
  try {
    return rule.refine(captures, file, options);
  } catch (error) {
    const line = (captures["report"]?.startPosition.row ?? 0) + 1;
    throw new Error(`${errorMessage(error)} (at line ${line})`);
  }
}

/** Node tree-sitter counts columns in UTF-16 code units of the JavaScript string, as editors do. */
function locate(rule: Rule, file: SourceFile, node: SyntaxNode, message: string | undefined): Located {
  const start = node.startPosition;
  const end = node.endPosition;
  return {
    ruleId: rule.meta.id,
    severity: rule.meta.severity,
    path: file.path,
    line: start.row + 1,
    column: start.column + 1,
    endLine: end.row + 1,
    endColumn: end.column + 1,
    message: message ?? rule.meta.message,
    flagged: node.text,
  };
}

/** The line of the fix's node with the node replaced, when the node is on one line. */
function fixedLine(source: string, fix: Fix): string | undefined {
  const { startPosition: start, endPosition: end } = fix.node;
  if (start.row !== end.row) return undefined;
  const line = source.split("\n")[start.row] ?? "";
  return line.slice(0, start.column) + fix.text + line.slice(end.column);
}

function bySourceOrder(a: Located, b: Located): number {
  return a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId);
}

function withFingerprints(found: Located[]): Finding[] {
  const occurrences = new Map<string, number>();
  return found.map(({ flagged, ...finding }) => {
    const key = `${finding.ruleId}\0${flagged.replace(/\s+/g, " ").trim()}`;
    const occurrence = occurrences.get(key) ?? 0;
    occurrences.set(key, occurrence + 1);
    return { ...finding, fingerprint: fingerprint(finding.ruleId, finding.path, flagged, occurrence) };
  });
}

function firstErrorLine(root: SyntaxNode): number {
  const cursor = root.walk();
  for (;;) {
    const node = cursor.currentNode;
    if (node.type === "ERROR" || node.isMissing) return node.startPosition.row + 1;
    if (node.hasError && cursor.gotoFirstChild()) continue;
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent()) return root.startPosition.row + 1;
    }
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
