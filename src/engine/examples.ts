import type { Confidence } from "../model.js";
import type { RuleExample } from "./rule.js";

/**
 * `# ruleid: <id>` on its own line: the next line must be flagged by that rule (Semgrep's
 * convention), with high confidence; `# ruleid: <id> (medium)`: with medium confidence.
 */
const MARKER = /^\s*# ruleid: ([\w-]+)(?: \((high|medium)\))?\s*$/;

export const DEFAULT_EXAMPLE_PATH = "lib/example.ex";

/** The example as it is analysed and documented: without its leading blank line and its markers. */
export function exampleSource(example: RuleExample): string {
  return lines(example)
    .filter((line) => !MARKER.test(line))
    .join("\n");
}

/** The 1-based lines of `exampleSource` that the markers say `ruleId` must flag, and with which confidence. */
export function expectedFindings(example: RuleExample, ruleId: string): { line: number; confidence: Confidence }[] {
  const expected: { line: number; confidence: Confidence }[] = [];
  let kept = 0;
  for (const line of lines(example)) {
    const marker = MARKER.exec(line);
    if (!marker) kept++;
    else if (marker[1] === ruleId) expected.push({ line: kept + 1, confidence: (marker[2] as Confidence | undefined) ?? "high" });
  }
  return expected;
}

function lines(example: RuleExample): string[] {
  return example.code.replace(/^\n/, "").split("\n");
}
