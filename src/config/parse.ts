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
  if (bytes > MAX_POLICY_BYTES) return { ok: false, errors: [{ file, keyPath: "", line: 1, message: `the file is ${Math.ceil(bytes / 1024)} KiB; a policy may be at most ${MAX_POLICY_BYTES / 1024} KiB` }] };
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    return { ok: false, errors: doc.errors.map((e) => ({ file, keyPath: "", line: lineCounter.linePos(e.pos[0]).line, message: `invalid YAML: ${e.message.split("\n")[0]}` })) };
  }
  const lineOf = (path: readonly PropertyKey[]) => lineOfPath(doc.contents as Node | null, path, lineCounter);
  const raw = (doc.toJS() ?? {}) as Record<string, unknown>;
  const parsed = policySchema.safeParse(raw);
  if (!parsed.success) return { ok: false, errors: parsed.error.issues.map((issue) => schemaError(issue, file, lineOf)) };
  const ruleErrors = checkRules(parsed.data, rules).map(({ path, message }) => ({ file, keyPath: path.join("."), line: lineOf(path), message }));
  return ruleErrors.length > 0 ? { ok: false, errors: ruleErrors } : { ok: true, policy: parsed.data, raw };
}

function schemaError(issue: z.core.$ZodIssue, file: string, lineOf: (path: readonly PropertyKey[]) => number): ConfigError {
  const keys = issue.code === "unrecognized_keys" ? issue.keys : [];
  const allowed = issue.code === "invalid_value" ? ` Allowed: ${issue.values.map((v) => JSON.stringify(v)).join(", ")}.` : "";
  const message = keys.length > 0 ? keys.map((key) => `unknown key \`${key}\`.${didYouMean(key, KNOWN_KEYS[issue.path.join(".")] ?? [])}`).join(" ") : `${issue.message}.${allowed}`;
  const path = keys.length > 0 ? [...issue.path, keys[0]!] : issue.path;
  return { file, keyPath: path.map(String).join("."), line: lineOf(path), message };
}

const KNOWN_KEYS: Readonly<Record<string, readonly string[]>> = {
  "": ["_extends", "enforce", "rules", "paths", "test_paths", "fail_on", "scope", "comments"],
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
      if (!known) problems.push({ path: ["rules", id, option], message: `\`${id}\` has no option \`${option}\`.${didYouMean(option, Object.keys(rule.options ?? {}))}${rule.options ? "" : " It takes none."}` });
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
