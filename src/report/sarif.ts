import type { Finding, ReviewNote, RuleInfo, Severity } from "../model.js";

/** SARIF's levels for our severities. */
const LEVEL: Record<Severity, "error" | "warning" | "note"> = { error: "error", warning: "warning", info: "note" };

/** The key GitHub code scanning matches findings across commits by: our fingerprint of rule, path and flagged code. */
export const FINGERPRINT_KEY = "otpReview/v1";

/**
 * A SARIF 2.1.0 log, for GitHub code scanning and any other SARIF consumer: the rules with their
 * metadata, each finding with its location relative to the repository root (`%SRCROOT%`), and a
 * partial fingerprint that does not change when lines move, so a finding is tracked across
 * commits. What could not be analysed is reported as tool notifications.
 */
export function formatSarif(findings: readonly Finding[], notes: readonly ReviewNote[], rules: readonly RuleInfo[], version: string): string {
  const index = new Map(rules.map((rule, i) => [rule.id, i]));
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "otp-review",
            version,
            rules: rules.map((rule) => ({
              id: rule.id,
              name: rule.id,
              shortDescription: { text: rule.summary },
              fullDescription: { text: `${rule.guideSection}: ${rule.principle}` },
              help: { text: rule.why, markdown: `> **${rule.guideSection}:** ${rule.principle}\n\n${rule.why}` },
              ...(rule.docsUrl ? { helpUri: rule.docsUrl } : {}),
              defaultConfiguration: { level: LEVEL[rule.severity] },
              properties: { tags: ["otp", rule.guideSection] },
            })),
          },
        },
        results: findings.map((f) => ({
          ruleId: f.ruleId,
          ...(index.has(f.ruleId) ? { ruleIndex: index.get(f.ruleId) } : {}),
          level: LEVEL[f.severity],
          message: { text: f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: encodeURI(f.path), uriBaseId: "%SRCROOT%" },
                region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
              },
            },
          ],
          partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint },
          properties: { confidence: f.confidence },
        })),
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: notes.map((note) => ({
              level: "warning",
              message: { text: note.path ? `${note.path} ${note.message}` : note.message },
              ...(note.path ? { locations: [{ physicalLocation: { artifactLocation: { uri: encodeURI(note.path), uriBaseId: "%SRCROOT%" } } }] } : {}),
            })),
          },
        ],
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
