import { stringify } from "yaml";
import type { Provenance } from "./resolve.js";
import type { Policy } from "./schema.js";

/** The effective policy as YAML, each top-level setting under a comment saying where it came from. */
export function describePolicy(policy: Policy, provenance: Provenance): string {
  const { _extends: _, enforce: __, ...settings } = policy;
  return Object.entries(settings)
    .map(([key, value]) => `# ${key}: from ${provenance[key] ?? "the defaults"}\n${stringify({ [key]: value }).trimEnd()}`)
    .join("\n");
}
