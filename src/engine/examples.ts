import type { RuleExample } from "./rule.js";

const MARKER = /^\s*# ruleid: ([\w-]+)\s*$/;

export const DEFAULT_EXAMPLE_PATH = "lib/example.ex";

/** The example's code without its leading blank line. */
export function exampleSource(example: RuleExample): string {
  return example.code.replace(/^\n/, "");
}

/** The 1-based lines that the `# ruleid: <id>` markers say must be flagged by `ruleId`. */
export function expectedLines(example: RuleExample, ruleId: string): number[] {
  const lines = exampleSource(example).split("\n");
  return lines.flatMap((line, index) => (MARKER.exec(line)?.[1] === ruleId ? [index + 2] : []));
}

/** The example as a reader should see it: without the markers. */
export function exampleForDocs(example: RuleExample): string {
  return exampleSource(example)
    .split("\n")
    .filter((line) => !MARKER.test(line))
    .join("\n");
}
