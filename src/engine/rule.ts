import type { RuleInfo } from "../model.js";
import type { FileKind } from "./file-kind.js";
import type { SyntaxNode } from "./parser.js";

/** Where a rule's documentation lives; the comment on a PR links the reader there. */
export const RULE_DOCS_BASE_URL = "https://github.com/otp-review/otp-review/blob/main/docs/rules";

export interface RuleMeta extends Omit<RuleInfo, "docsUrl"> {
  /** The default message of a finding: what is wrong and what to do instead, in one or two lines. */
  message: string;
  /** The why, in Markdown; rendered into the rule's documentation. */
  explanation: string;
  /** Which files the rule judges. Tests and scripts are not long-lived production processes. */
  appliesTo: readonly FileKind[];
}

/**
 * An Elixir example. In invalid examples, a line `# ruleid: <id>` marks that the next line must be
 * flagged (Semgrep's convention): the examples are the rule's tests and its documentation.
 */
export interface RuleExample {
  code: string;
  /** The file the example pretends to be; decides production vs test code. */
  path?: string;
  /** Why this example matters: a near-miss, an edge case. */
  note?: string;
  /** Option values the example runs with, when not the defaults. */
  options?: OptionValues;
}

export interface SourceFile {
  path: string;
  source: string;
  kind: FileKind;
  root: SyntaxNode;
  /** Every rule id the analysis knows, whether or not it runs: suppressions are checked against it. */
  knownRuleIds: ReadonlySet<string>;
}

export type OptionValue = number | string | boolean;

/** A setting of a rule, with the value it takes when nobody sets it. */
export interface RuleOption {
  default: OptionValue;
  description: string;
}

/** The values of a rule's options, defaults filled in. */
export type OptionValues = Readonly<Record<string, OptionValue>>;

/** One match of a rule's query: its captures by name. */
export type Captures = Readonly<Record<string, SyntaxNode | undefined>>;

/** What `refine` decides: stay quiet, or report (optionally on another node, with another message). */
export type Verdict = null | undefined | false | true | { node?: SyntaxNode; message?: string; fix?: Fix };

/**
 * A mechanical, certain fix: the source of `node` becomes `text`. Offered as a one-click
 * suggestion when the node sits on one line; never for code that might not compile or would
 * change behaviour beyond the rule's point.
 */
export interface Fix {
  node: SyntaxNode;
  text: string;
}

export interface Rule {
  meta: RuleMeta;
  /** A tree-sitter query for the shape; the capture `@report` is the node a finding anchors on. */
  query: string;
  /** The context a query cannot express. Without it every match is a finding. */
  refine?: (captures: Captures, file: SourceFile, options: OptionValues) => Verdict;
  /** Settings a policy may change; `refine` receives their values. */
  options?: Readonly<Record<string, RuleOption>>;
  examples: { valid: readonly RuleExample[]; invalid: readonly RuleExample[] };
}

/** Identity function that type-checks a rule definition where it is written. */
export function defineRule(rule: Rule): Rule {
  return rule;
}

/** The rule's option values: its defaults, overridden by `given`. */
export function optionValues(rule: Rule, given: OptionValues = {}): OptionValues {
  const defaults = Object.fromEntries(Object.entries(rule.options ?? {}).map(([name, option]) => [name, option.default]));
  return { ...defaults, ...given };
}

export function ruleInfo(meta: RuleMeta): RuleInfo {
  const { id, severity, summary, guideSection, principle } = meta;
  return { id, severity, summary, guideSection, principle, docsUrl: `${RULE_DOCS_BASE_URL}/${id}.md` };
}

export const PRODUCTION_ONLY: readonly FileKind[] = ["production"];
export const ALL_FILES: readonly FileKind[] = ["production", "test", "script"];
