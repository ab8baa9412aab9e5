import { isMap, isPair, isScalar, LineCounter, parseDocument, type Node } from "yaml";
import type { z } from "zod";
import { didYouMean } from "../engine/did-you-mean.js";
import type { Rule } from "../engine/rule.js";
import { policySchema, type Policy } from "./schema.js";

/** One thing wrong in a config file, located for the person who has to fix it. */
export interface ConfigError {
  file: string;
  /** `rules.restart-intensity.max_restarts`; empty for the whole file. */
  keyPath: string;
  line: number;
  message: string;
}

/** `raw` is the file as written (no defaults), for layering files key by key. */
export type ParsedPolicy = { ok: true; policy: Policy; raw: Record<string, unknown> } | { ok: false; errors: ConfigError[] };

/**
 * Reads a policy file: YAML, then the schema, then rule ids and option names against the rules
 * the engine has. Every error names the file, the key path, the line and what is allowed.
 */
/**
 * A policy is a few dozen lines. A larger file is refused before YAML sees it: parsing megabytes
 * (or a billion-laughs alias bomb) would hold the server's event loop for seconds.
 */
export const MAX_POLICY_BYTES = 64 * 1024;

export function parsePolicy(text: string, file: string, rules: readonly Rule[]): ParsedPolicy {
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_POLICY_BYTES)
    return { ok: false, errors: [{ file, keyPath: "", line: 1, message: `the file is ${Math.ceil(bytes / 1024)} KiB; a policy may be at most ${MAX_POLICY_BYTES / 1024} KiB` }] };
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    return { ok: false, errors: doc.errors.map((e) => ({ file, keyPath: "", line: lineCounter.linePos(e.pos[0]).line, message: `invalid YAML: ${e.message.split("\n")[0]}` })) };
  }
  const lineOf = (path: readonly PropertyKey[]) => lineOfPath(doc.contents as Node | null, path, lineCounter);
  const raw = (doc.toJS() ?? {}) as Record<string, unknown>;
  const parsed = policySchema.safeParse(raw);
  const located = ({ path, message }: { path: readonly PropertyKey[]; message: string }): ConfigError => ({ file, keyPath: path.map(String).join("."), line: lineOf(path), message });
  if (!parsed.success) {
    // Every problem at once: a misspelled rule id is not hidden behind a bad value next to it.
    const unknownIds = unknownRuleIds(raw, rules).filter((problem) => !parsed.error.issues.some((issue) => issue.path.join(".") === problem.path.join(".")));
    return { ok: false, errors: [...parsed.error.issues.map((issue) => located(schemaProblem(issue, raw))), ...unknownIds.map(located)] };
  }
  const ruleErrors = checkRules(parsed.data, rules).map(located);
  return ruleErrors.length > 0 ? { ok: false, errors: ruleErrors } : { ok: true, policy: parsed.data, raw };
}

const SEVERITY_WORDS = ["off", "info", "warning", "error"];

/** What a schema issue means in the policy's terms: what was written, what is allowed, the likely intent. */
function schemaProblem(issue: z.core.$ZodIssue, raw: Record<string, unknown>): { path: readonly PropertyKey[]; message: string } {
  const keys = issue.code === "unrecognized_keys" ? issue.keys : [];
  if (keys.length > 0) return { path: [...issue.path, keys[0]!], message: keys.map((key) => `unknown key \`${key}\`.${didYouMean(key, KNOWN_KEYS[issue.path.join(".")] ?? [])}`).join(" ") };
  const written = valueAt(raw, issue.path);
  const shown = typeof written === "string" ? `\`${written}\`` : JSON.stringify(written);
  if (issue.code === "invalid_value") {
    const allowed = issue.values.map(String);
    return { path: issue.path, message: `${shown} is not allowed here; expected one of ${allowed.join(", ")}.${typeof written === "string" ? didYouMean(written, allowed) : ""}` };
  }
  if (issue.path[0] === "rules" && issue.path.length === 2) {
    const hint = typeof written === "string" ? didYouMean(written, SEVERITY_WORDS) : "";
    return {
      path: issue.path,
      message: `${shown} is not a rule setting; expected a severity (${SEVERITY_WORDS.join(", ")}) or a map such as \`{ severity: warning, confidence: medium }\` with the rule's options.${hint}`,
    };
  }
  return { path: issue.path, message: `${issue.message}.` };
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((value, key) => (value !== null && typeof value === "object" ? (value as Record<PropertyKey, unknown>)[key] : undefined), raw);
}

/** Rule ids the engine does not have, read from the file as written (it may not pass the schema). */
function unknownRuleIds(raw: Record<string, unknown>, rules: readonly Rule[]): Array<{ path: string[]; message: string }> {
  const ids = new Set(rules.map((r) => r.meta.id));
  const named = (section: unknown, prefix: string[]) =>
    Object.keys(section !== null && typeof section === "object" ? section : {})
      .filter((id) => !ids.has(id))
      .map((id) => ({ path: [...prefix, id], message: `unknown rule \`${id}\`.${didYouMean(id, ids)}` }));
  return [...named(raw["rules"], ["rules"]), ...named((raw["enforce"] as Record<string, unknown> | undefined)?.["rules"], ["enforce", "rules"])];
}

const KNOWN_KEYS: Readonly<Record<string, readonly string[]>> = {
  "": ["_extends", "enforce", "rules", "paths", "test_paths", "fail_on", "confidence", "scope", "review_drafts", "skip_label", "comments"],
  enforce: ["rules", "fail_on"],
  paths: ["include", "exclude"],
  comments: ["mode", "max", "request_changes"],
};

/** Rule ids and option names the engine does not have. */
function checkRules(policy: Policy, rules: readonly Rule[]): Array<{ path: string[]; message: string }> {
  const byId = new Map(rules.map((r) => [r.meta.id, r]));
  const problems: Array<{ path: string[]; message: string }> = [];
  for (const id of Object.keys(policy.enforce?.rules ?? {})) {
    if (!byId.has(id)) problems.push({ path: ["enforce", "rules", id], message: `unknown rule \`${id}\`.${didYouMean(id, byId.keys())}` });
  }
  for (const [id, setting] of Object.entries(policy.rules)) {
    const rule = byId.get(id);
    if (!rule) {
      problems.push({ path: ["rules", id], message: `unknown rule \`${id}\`.${didYouMean(id, byId.keys())}` });
      continue;
    }
    if (typeof setting === "string") continue;
    for (const [option, value] of Object.entries(setting)) {
      if (option === "severity" || option === "confidence") continue;
      const known = rule.options?.[option];
      if (!known)
        problems.push({ path: ["rules", id, option], message: `\`${id}\` has no option \`${option}\`.${didYouMean(option, Object.keys(rule.options ?? {}))}${rule.options ? "" : " It takes none."}` });
      else if (typeof value !== typeof known.default) problems.push({ path: ["rules", id, option], message: `\`${option}\` must be a ${typeof known.default} (${known.description}).` });
    }
  }
  return problems;
}

/** The 1-based line of the node at `path`, or of its nearest ancestor that exists. */
function lineOfPath(root: Node | null, path: readonly PropertyKey[], lineCounter: LineCounter): number {
  let node: unknown = root;
  let offset = 0;
  for (const key of path) {
    if (!isMap(node)) break;
    const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(key));
    if (!pair || !isScalar(pair.key)) break;
    offset = pair.key.range?.[0] ?? offset;
    node = pair.value;
  }
  return lineCounter.linePos(offset).line;
}
