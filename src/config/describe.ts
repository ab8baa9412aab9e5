import { stringify } from "yaml";
import type { Provenance } from "./resolve.js";
import type { Policy } from "./schema.js";

/** The effective policy as YAML, each top-level setting (but those in `omit`) under a comment saying where it came from. */
export function describePolicy(policy: Policy, provenance: Provenance, omit: readonly string[] = []): string {
  const { _extends: _, enforce: __, ...settings } = policy;
  return Object.entries(settings)
    .filter(([key]) => !omit.includes(key))
    .map(([key, value]) => `# ${key}: from ${provenance[key] ?? "the defaults"}\n${stringify({ [key]: value }).trimEnd()}`)
    .join("\n");
}
