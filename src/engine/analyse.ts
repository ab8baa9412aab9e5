import type { Finding, ReviewNote } from "../model.js";
import { fileKind, type FileKind } from "./file-kind.js";
import { fingerprint } from "./fingerprint.js";
import { parseElixir, type SyntaxNode } from "./parser.js";
import { matchesByRule } from "./rule-queries.js";
import { optionValues, renderMessage, type Fix, type Match, type OptionValues, type Report, type Rule, type SourceFile } from "./rule.js";
import { Semantics } from "./semantic/semantics.js";
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
 * `# otp-review:disable…` comments suppress. Never throws for a rule's sake. `knownRuleIds` is
 * every id of the registry, so that a suppression of a rule a policy turned off is not "unknown".
 */
export function analyseSource(
  path: string,
  source: string,
  rules: readonly Rule[],
  options: RuleOptions = new Map(),
  kind: FileKind = fileKind(path),
  knownRuleIds: ReadonlySet<string> = new Set(rules.map((r) => r.meta.id)),
): Analysis {
  const skipped = reasonToSkip(source);
  if (skipped) return { findings: [], notes: [{ path, message: skipped }] };

  const tree = parseElixir(source);
  const semantics = new Semantics(tree.rootNode, source, path, kind);
  const file: SourceFile = { path, source, kind, root: tree.rootNode, knownRuleIds, semantics };
  const notes: ReviewNote[] = [];
  if (tree.rootNode.hasError) {
    notes.push({ path, message: `has syntax errors (line ${firstErrorLine(tree.rootNode)}); analysed the parts that parse` });
  }

  const matches = matchesByRule(rules, tree.rootNode);
  const findings: Located[] = [];
  rules.forEach((rule, index) => {
    if (file.kind !== "production" && !rule.meta.appliesTo.includes(file.kind)) return;
    try {
      findings.push(...runRule(rule, matches[index]!, file, optionValues(rule, options.get(rule.meta.id))));
    } catch (error) {
      notes.push({ path, ruleId: rule.meta.id, message: `rule ${rule.meta.id} failed on this file: ${errorMessage(error)}` });
    }
  });
  const suppressions = suppressionsIn(tree.rootNode, source);
  const kept = withoutDeferred(findings, rules).filter((f) => !isSuppressed(f, suppressions));
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

/**
 * Runs one rule: the engine, not the rule, applies what its metadata declares — run-time code
 * only, the kinds of code it judges, other tools' waivers, reasons written beside the code.
 */
function runRule(rule: Rule, matches: readonly Match[], file: SourceFile, options: OptionValues): Located[] {
  const { meta } = rule;
  const { semantics } = file;
  const seen = new Set<number>();
  const found: Located[] = [];
  for (const match of matches) {
    if (!match.report) throw new Error(`query of ${meta.id} has no @report capture`);
    if ((meta.runsOn ?? "run-time") === "run-time" && !semantics.isRunTime(match.report)) continue;
    for (const report of reportsOf(rule, match, file, options)) {
      const node = report.node ?? match.report;
      if (seen.has(node.id) || !meta.appliesTo.includes(semantics.kindAt(node))) continue;
      if (meta.waivedBy && semantics.comments.isWaived(node, meta.waivedBy)) continue;
      if (meta.quietWhenExplained && isExplained(file, node, meta.quietWhenExplained)) continue;
      seen.add(node.id);
      const located = locate(rule, file, node, renderMessage(meta, report.message, report.values), report);
      const suggestion = report.fix ? fixedLine(file.source, report.fix) : undefined;
      found.push(suggestion === undefined ? located : { ...located, suggestion });
    }
  }
  return found;
}

/** A reason written beside the code: a comment right above it, or — about the rule's subject — above its function or in its `@doc`. */
function isExplained({ semantics }: SourceFile, node: SyntaxNode, subject: true | RegExp): boolean {
  if (subject === true) return semantics.comments.isExplained(node);
  return semantics.comments.isExplained(node, subject) || subject.test(semantics.model.clauseAt(node)?.doc ?? "");
}

/** The reports of one match, whatever shape `refine` answered in. */
function reportsOf(rule: Rule, match: Match, file: SourceFile, options: OptionValues): readonly Report[] {
  if (!rule.refine) return [{}];
  let verdict;
  try {
    verdict = rule.refine(match, file, options);
  } catch (error) {
    throw new Error(`${errorMessage(error)} (at line ${match.report.startPosition.row + 1})`);
  }
  if (!verdict) return [];
  if (verdict === true) return [{}];
  return Array.isArray(verdict) ? verdict : [verdict as Report];
}

/** A rule that defers to a more specific one drops what that rule reports at the same place, when it runs. */
function withoutDeferred(findings: readonly Located[], rules: readonly Rule[]): Located[] {
  const running = new Set(rules.map((rule) => rule.meta.id));
  const deferring = new Map(rules.flatMap((rule) => (rule.meta.defersTo && running.has(rule.meta.defersTo) ? [[rule.meta.id, rule.meta.defersTo] as const] : [])));
  if (deferring.size === 0) return [...findings];
  const at = (ruleId: string, f: Located) => `${ruleId}\0${f.line}:${f.column}`;
  const places = new Set(findings.map((f) => at(f.ruleId, f)));
  return findings.filter((f) => {
    const specific = deferring.get(f.ruleId);
    return !specific || !places.has(at(specific, f));
  });
}

/** Node tree-sitter counts columns in UTF-16 code units of the JavaScript string, as editors do. */
function locate(rule: Rule, file: SourceFile, node: SyntaxNode, message: string, report: Report): Located {
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
    message,
    confidence: report.confidence ?? "high",
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
