import type { Confidence, RuleInfo } from "../model.js";
import type { SyntaxNode } from "./parser.js";
import type { CodeKind } from "./semantic/code-kind.js";
import type { Waivers } from "./semantic/comments.js";
import type { Semantics } from "./semantic/semantics.js";
import type { FileKind } from "./file-kind.js";

export { ALL_KINDS, PRODUCTION } from "./semantic/code-kind.js";

/** A message template: `{name}` is replaced by the report's value of `name`. */
export type MessageTemplate = string;

export interface RuleMeta<M extends string = string> extends Omit<RuleInfo, "docsUrl" | "why"> {
  /**
   * What must be true of the code for a comment to be right, in the guide's words: the evidence
   * the rule looks for before it speaks. Shown at the top of the rule's page.
   */
  premise: string;
  /** The messages a finding may carry, by name: `default`, and named variants. One or two sentences: what to do. */
  messages: Readonly<Record<M | "default", MessageTemplate>>;
  /** The why, in Markdown; rendered into the rule's documentation. */
  explanation: string;
  /** The kinds of code the rule judges (see `CodeKind`); the engine drops findings elsewhere. */
  appliesTo: readonly CodeKind[];
  /** Where the rule looks: `run-time` (the default) ignores module bodies, attributes, macros and quotes. */
  runsOn?: "run-time" | "anywhere";
  /**
   * The rule is about undocumented choices: a reason written right above the flagged code keeps
   * it quiet. With a pattern, a comment above the function or its `@doc` that matches it counts too.
   */
  quietWhenExplained?: boolean | RegExp;
  /** Other tools' checks for the same hazard, whose disable comments this rule honours. */
  waivedBy?: Waivers;
  /**
   * A more specific rule that reports the same code: while it runs, this rule leaves the code to
   * it; when a policy turns it off, this rule still reports.
   */
  defersTo?: string;
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
  /** Every rule id the registry knows, whether or not it runs: suppressions are checked against it. */
  knownRuleIds: ReadonlySet<string>;
  /** The file's semantic model, built on first use and shared by every rule. */
  readonly semantics: Semantics;
}

export type OptionValue = number | string | boolean;

/** A setting of a rule, with the value it takes when nobody sets it. */
export interface RuleOption<T extends OptionValue = OptionValue> {
  default: T;
  description: string;
}

/** The values of a rule's options, defaults filled in. */
export type OptionValues = Readonly<Record<string, OptionValue>>;

/** The typed values of declared options: `{ max_restarts: number }` for `{ max_restarts: { default: 100 } }`. */
export type OptionsOf<O extends Readonly<Record<string, RuleOption>>> = { readonly [K in keyof O]: O[K]["default"] extends number ? number : O[K]["default"] extends boolean ? boolean : string };

/** One match of a rule's query: the node it anchors on, and its other captures by name. */
export type Match = { readonly report: SyntaxNode } & Readonly<Record<string, SyntaxNode | undefined>>;

/** One finding a rule reports for a match. */
export interface Report<M extends string = string> {
  /** Where the finding anchors; the match's `@report` node when absent. */
  node?: SyntaxNode;
  /** The message variant; `default` when absent. */
  message?: M | "default";
  /** Values for the template's `{placeholders}`. */
  values?: Readonly<Record<string, string>>;
  /** How strong the evidence is; `high` when absent. */
  confidence?: Confidence;
  fix?: Fix;
}

/** What `refine` decides: stay quiet (`null`, `false`), report at the match (`true`), or report one or more findings. */
export type Verdict<M extends string = string> = null | undefined | false | true | Report<M> | readonly Report<M>[];

/**
 * A mechanical, certain fix: the source of `node` becomes `text`. Offered as a one-click
 * suggestion when the node sits on one line; never for code that might not compile or would
 * change behaviour beyond the rule's point.
 */
export interface Fix {
  node: SyntaxNode;
  text: string;
}

export interface RuleDefinition<M extends string, O extends Readonly<Record<string, RuleOption>>> {
  meta: RuleMeta<M>;
  /** A tree-sitter query for the shape; the capture `@report` is the node a finding anchors on. */
  query: string;
  /** The context a query cannot express. Without it every match is a finding. */
  refine?: (match: Match, file: SourceFile, options: NoInfer<OptionsOf<O>>) => Verdict<NoInfer<M>>;
  /** Settings a policy may change; `refine` receives their values. */
  options?: O;
  examples: { valid: readonly RuleExample[]; invalid: readonly RuleExample[] };
}

/** A rule as the engine and the registry hold it, its types erased. */
export interface Rule {
  meta: RuleMeta;
  query: string;
  refine?: (match: Match, file: SourceFile, options: OptionValues) => Verdict;
  options?: Readonly<Record<string, RuleOption>>;
  examples: { valid: readonly RuleExample[]; invalid: readonly RuleExample[] };
}

/** Type-checks a rule definition where it is written: message names, option types. */
export function defineRule<M extends string = never, O extends Readonly<Record<string, RuleOption>> = Record<never, RuleOption>>(rule: RuleDefinition<M, O>): Rule {
  return rule as unknown as Rule;
}

/** The rule's option values: its defaults, overridden by `given`. */
export function optionValues(rule: Rule, given: OptionValues = {}): OptionValues {
  const defaults = Object.fromEntries(Object.entries(rule.options ?? {}).map(([name, option]) => [name, option.default]));
  return { ...defaults, ...given };
}

/** The text of a message variant with its placeholders filled. */
export function renderMessage(meta: RuleMeta, variant: string | undefined, values: Readonly<Record<string, string>> = {}): string {
  const template = meta.messages[variant ?? "default"] ?? meta.messages["default"]!;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

/**
 * What a report says about the rule. `docsBaseUrl` is where the team hosts `docs/rules` (their
 * fork, GitHub Enterprise): comments link there when it is set, and stand on their own without.
 */
export function ruleInfo(meta: RuleMeta, docsBaseUrl?: string): RuleInfo {
  const { id, severity, summary, guideSection, principle } = meta;
  return { id, severity, summary, guideSection, principle, why: whyOf(meta.explanation), ...(docsBaseUrl ? { docsUrl: `${docsBaseUrl.replace(/\/$/, "")}/${id}.md` } : {}) };
}

/** The explanation's first paragraph and its first code example: enough to act on without the page. */
function whyOf(explanation: string): string {
  const text = explanation.trim();
  const paragraph = text.split(/\n\s*\n/)[0]!.replace(/\s*\n\s*/g, " ");
  const example = /```elixir\n[\s\S]*?\n```/.exec(text)?.[0];
  return example ? `${paragraph}\n\n${example}` : paragraph;
}
