import picomatch from "picomatch";
import type { RuleOptions } from "../engine/analyse.js";
import type { FileKind } from "../engine/file-kind.js";
import type { OptionValues, Rule } from "../engine/rule.js";
import type { Confidence, Finding, Severity } from "../model.js";
import { DEFAULT_POLICY, type Policy } from "./schema.js";

export type FailOn = Policy["fail_on"];
export type CommentsMode = Policy["comments"]["mode"];

/** What a review runs with, made from a policy: the pipeline, the CLI and the demo all take it. */
export interface ReviewSettings {
  /** The rules that run, with the policy's severities. */
  rules: readonly Rule[];
  options: RuleOptions;
  /** Which changed files are reviewed at all. */
  includes(path: string): boolean;
  /** Production, test or script code, by the policy's `test_paths`. */
  kindOf(path: string): FileKind;
  scope: Policy["scope"];
  failOn: FailOn;
  /**
   * True when a finding's evidence reaches the policy's confidence threshold (its rule's, or the
   * global one): it may become a line comment and fail the check; the others are only listed.
   */
  isConfident(finding: Pick<Finding, "ruleId" | "confidence">): boolean;
  comments: { mode: CommentsMode; max: number; requestChanges: boolean };
}

/** Applies a policy to the engine's rules: severities, rules turned off, options, paths. */
export function reviewSettings(allRules: readonly Rule[], policy: Policy = DEFAULT_POLICY): ReviewSettings {
  const rules: Rule[] = [];
  const options = new Map<string, OptionValues>();
  const thresholds = new Map<string, Confidence>();
  for (const rule of allRules) {
    const setting = policy.rules[rule.meta.id];
    const severity = typeof setting === "string" ? setting : setting?.severity;
    if (severity === "off") continue;
    rules.push(severity && severity !== rule.meta.severity ? { ...rule, meta: { ...rule.meta, severity } } : rule);
    if (setting && typeof setting === "object") {
      const { severity: _, confidence, ...values } = setting;
      options.set(rule.meta.id, values);
      if (confidence) thresholds.set(rule.meta.id, confidence);
    }
  }
  const included = picomatch(policy.paths.include, { dot: true });
  const excluded = picomatch(policy.paths.exclude, { dot: true });
  const testPath = picomatch(policy.test_paths, { dot: true });
  return {
    rules,
    options,
    includes: (path) => included(path) && !excluded(path),
    kindOf: (path) => (testPath(path) ? "test" : path.endsWith(".exs") ? "script" : "production"),
    scope: policy.scope,
    failOn: policy.fail_on,
    isConfident: (finding) => meetsConfidence(finding.confidence, thresholds.get(finding.ruleId) ?? policy.confidence),
    comments: { mode: policy.comments.mode, max: policy.comments.max, requestChanges: policy.comments.request_changes },
  };
}

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** True when a finding of `severity` fails the check run under `failOn`. */
export function fails(severity: Severity, failOn: FailOn): boolean {
  return failOn !== "never" && RANK[severity] <= RANK[failOn];
}

/** `high` meets every threshold; `medium` only a `medium` one. */
export function meetsConfidence(confidence: Confidence, threshold: Confidence): boolean {
  return confidence === "high" || threshold === "medium";
}
