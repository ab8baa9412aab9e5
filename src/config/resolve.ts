import type { Rule } from "../engine/rule.js";
import type { Severity } from "../model.js";
import { parsePolicy, type ConfigError } from "./parse.js";
import { DEFAULT_POLICY, policySchema, type Policy } from "./schema.js";

export interface PolicyFile {
  text: string;
  /** Where it was read: `acme/shop:.github/otp-review.yml@main`. */
  source: string;
}

/** For each top-level setting, the file it came from (or the defaults). */
export type Provenance = Readonly<Record<string, string>>;

export type ResolvedPolicy = { ok: true; policy: Policy; source: string; overrides: string[]; provenance: Provenance } | { ok: false; errors: ConfigError[] };

/**
 * The effective policy of a repository: the organisation's file, refined key by key by the
 * repository's own when it says `_extends: .github` (lists replace, they do not concatenate), or
 * the repository's alone. Whatever the organisation `enforce`s, no repository file lowers: the
 * enforced value wins and `overrides` says so.
 */
export function resolvePolicy(files: { org?: PolicyFile; repo?: PolicyFile }, rules: readonly Rule[]): ResolvedPolicy {
  const org = files.org ? parsePolicy(files.org.text, files.org.source, rules) : undefined;
  const repo = files.repo ? parsePolicy(files.repo.text, files.repo.source, rules) : undefined;
  const errors = [...(org && !org.ok ? org.errors : []), ...(repo && !repo.ok ? repo.errors : [])];
  if (repo?.ok && repo.policy.enforce)
    errors.push({ file: files.repo!.source, keyPath: "enforce", line: 1, message: "`enforce` belongs in the organisation's policy (the .github repository), not in a repository's." });
  if (errors.length > 0 || (org && !org.ok) || (repo && !repo.ok)) return { ok: false, errors };

  const orgRaw = org?.ok ? org.raw : undefined;
  const repoRaw = repo?.ok ? repo.raw : undefined;
  const layered = repoRaw && orgRaw && repoRaw["_extends"] === ".github" ? merge(orgRaw, repoRaw) : (repoRaw ?? orgRaw);
  const policy = layered ? policySchema.parse(layered) : DEFAULT_POLICY;
  const extendsOrg = repoRaw?.["_extends"] === ".github";
  const source = describeSources(files, extendsOrg);
  const provenance = provenanceOf(
    policy,
    repoRaw ? { raw: repoRaw, source: files.repo!.source } : undefined,
    orgRaw && (extendsOrg || !repoRaw) ? { raw: orgRaw, source: files.org!.source } : undefined,
  );
  const enforced = org?.ok ? org.policy.enforce : undefined;
  if (!enforced) return { ok: true, policy, source, overrides: [], provenance };
  const result = enforce(policy, enforced, rules, files.repo?.source ?? files.org!.source, files.org!.source);
  const marks = {
    ...(Object.keys(enforced.rules).length > 0 ? { rules: `${provenance["rules"]}, with ${files.org!.source} enforcing` } : {}),
    ...(enforced.fail_on ? { fail_on: `${provenance["fail_on"]}, with ${files.org!.source} enforcing` } : {}),
  };
  return { ok: true, ...result, source, provenance: { ...provenance, ...marks } };
}

function provenanceOf(policy: Policy, repo?: { raw: Record<string, unknown>; source: string }, org?: { raw: Record<string, unknown>; source: string }): Provenance {
  const keys = Object.keys(policy).filter((key) => key !== "_extends" && key !== "enforce");
  return Object.fromEntries(
    keys.map((key) => {
      const inRepo = repo !== undefined && key in repo.raw;
      const inOrg = org !== undefined && key in org.raw;
      const from = inRepo && inOrg && isObject(repo.raw[key]) ? `${org.source}, refined by ${repo.source}` : inRepo ? repo.source : inOrg ? org.source : "the defaults";
      return [key, from];
    }),
  );
}

function describeSources(files: { org?: PolicyFile; repo?: PolicyFile }, extendsOrg: boolean): string {
  if (files.repo && files.org && extendsOrg) return `${files.org.source}, refined by ${files.repo.source}`;
  if (files.repo) return files.repo.source;
  if (files.org) return files.org.source;
  return "the defaults (no .github/otp-review.yml in the repository or the organisation)";
}

/** Objects merge key by key; everything else, lists included, is replaced by the later file. */
function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const under = merged[key];
    merged[key] = isObject(under) && isObject(value) ? merge(under, value) : value;
  }
  delete merged["_extends"];
  return merged;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const SEVERITY_RANK: Record<Severity | "off", number> = { off: 0, info: 1, warning: 2, error: 3 };
/** How strict a `fail_on` is: `info` fails on anything, `never` on nothing. */
const STRICTNESS: Record<Policy["fail_on"], number> = { never: 0, error: 1, warning: 2, info: 3 };

function enforce(policy: Policy, enforced: NonNullable<Policy["enforce"]>, allRules: readonly Rule[], repoSource: string, orgSource: string): { policy: Policy; overrides: string[] } {
  const overrides: string[] = [];
  const rules = { ...policy.rules };
  for (const [id, least] of Object.entries(enforced.rules)) {
    const setting = rules[id];
    const explicit = typeof setting === "string" ? setting : setting?.severity;
    const severity = explicit ?? allRules.find((rule) => rule.meta.id === id)?.meta.severity ?? least;
    if (SEVERITY_RANK[severity] >= SEVERITY_RANK[least]) continue;
    rules[id] = typeof setting === "object" ? { ...setting, severity: least } : least;
    if (explicit) overrides.push(`\`rules.${id}: ${explicit}\` in ${repoSource} is enforced up to \`${least}\` by ${orgSource}`);
  }
  let failOn = policy.fail_on;
  if (enforced.fail_on && STRICTNESS[failOn] < STRICTNESS[enforced.fail_on]) {
    overrides.push(`\`fail_on: ${failOn}\` in ${repoSource} is enforced up to \`${enforced.fail_on}\` by ${orgSource}`);
    failOn = enforced.fail_on;
  }
  return { policy: { ...policy, rules, fail_on: failOn }, overrides };
}
