import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { policyJsonSchema } from "../../src/config/json-schema.js";
import { packageRoot } from "../../src/package-root.js";
import { rules } from "../../rules/index.js";
import { MAX_POLICY_BYTES, parsePolicy } from "../../src/config/parse.js";
import { DEFAULT_POLICY } from "../../src/config/schema.js";

const FILE = ".github/otp-review.yml";

describe("parsePolicy", () => {
  it("refuses a file over 64 KiB before parsing it, saying how big it is and what the limit is", () => {
    const huge = `# ${"x".repeat(MAX_POLICY_BYTES)}\nfail_on: error\n`;

    expect(parsePolicy(huge, FILE, rules)).toEqual({ ok: false, errors: [{ file: FILE, keyPath: "", line: 1, message: "the file is 65 KiB; a policy may be at most 64 KiB" }] });
    expect(parsePolicy(`# ${"x".repeat(MAX_POLICY_BYTES - 100)}\nfail_on: error\n`, FILE, rules).ok).toBe(true);
  });

  it("changes nothing for an empty file", () => {
    expect(parsePolicy("", FILE, rules)).toMatchObject({ ok: true, policy: DEFAULT_POLICY });
  });

  it("reads the issue's example policy", () => {
    const text = [
      "rules:",
      "  genserver-read-bottleneck: error",
      "  cast-without-backpressure: off",
      "  restart-intensity: { severity: warning, max_restarts: 50 }",
      "paths:",
      '  include: ["lib/**", "apps/*/lib/**"]',
      '  exclude: ["lib/legacy/**"]',
      'test_paths: ["test/**", "**/*_test.exs"]',
      "fail_on: error",
      "scope: added",
      "comments:",
      "  mode: review",
      "  max: 25",
      "  request_changes: false",
    ].join("\n");

    const parsed = parsePolicy(text, FILE, rules);

    expect(parsed).toMatchObject({ ok: true, policy: { rules: { "restart-intensity": { severity: "warning", max_restarts: 50 } }, paths: { exclude: ["lib/legacy/**"] } } });
  });

  it("quotes the line of invalid YAML", () => {
    const parsed = parsePolicy("rules:\n  pg2-removed: error\n fail_on: [", FILE, rules);

    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.errors[0]).toMatchObject({ file: FILE, line: 3, message: expect.stringMatching(/^invalid YAML/) });
  });

  it("names the key path, the line and what is allowed for a value the schema rejects", () => {
    const parsed = parsePolicy("scope: added\nfail_on: sometimes\n", FILE, rules);
    const typo = parsePolicy("fail_on: eror\n", FILE, rules);

    expect(!parsed.ok && parsed.errors).toEqual([{ file: FILE, keyPath: "fail_on", line: 2, message: "`sometimes` is not allowed here; expected one of error, warning, info, never." }]);
    expect(!typo.ok && typo.errors.map((e) => e.message)).toEqual(["`eror` is not allowed here; expected one of error, warning, info, never. Did you mean `error`?"]);
  });

  it("explains a bad rule setting, and still names a misspelled rule id beside it", () => {
    const parsed = parsePolicy("rules:\n  genserver-read-bottleneck: eror\n  genserver-readbottleneck: error\n", FILE, rules);

    expect(!parsed.ok && parsed.errors.map((e) => `${e.line} ${e.keyPath}: ${e.message}`)).toEqual([
      "2 rules.genserver-read-bottleneck: `eror` is not a rule setting; expected a severity (off, info, warning, error) or a map such as `{ severity: warning, confidence: medium }` with the rule's options. Did you mean `error`?",
      "3 rules.genserver-readbottleneck: unknown rule `genserver-readbottleneck`. Did you mean `genserver-read-bottleneck`?",
    ]);
  });

  it("suggests the key or rule id that was meant", () => {
    const parsed = parsePolicy("comments:\n  requst_changes: true\nrules:\n  pg2-remove: error\n", FILE, rules);

    expect(!parsed.ok && parsed.errors.map((e) => `${e.line} ${e.keyPath}: ${e.message}`)).toEqual([
      "2 comments.requst_changes: unknown key `requst_changes`. Did you mean `request_changes`?",
      "4 rules.pg2-remove: unknown rule `pg2-remove`. Did you mean `pg2-removed`?",
    ]);
    const rulesOnly = parsePolicy("rules:\n  pg2-remove: error\n  restart-intensity: { max_restart: 5 }\n", FILE, rules);
    expect(!rulesOnly.ok && rulesOnly.errors.map((e) => `${e.line} ${e.keyPath}: ${e.message}`)).toEqual([
      "2 rules.pg2-remove: unknown rule `pg2-remove`. Did you mean `pg2-removed`?",
      "3 rules.restart-intensity.max_restart: `restart-intensity` has no option `max_restart`. Did you mean `max_restarts`?",
    ]);
  });
});

describe("schema/otp-review.schema.json", () => {
  it("is the JSON Schema of the policy the app validates with (npm run docs)", () => {
    const committed = JSON.parse(readFileSync(join(packageRoot(), "schema", "otp-review.schema.json"), "utf8"));

    expect(committed).toEqual(policyJsonSchema(rules));
    expect(committed.properties.rules.propertyNames.enum).toContain("restart-intensity");
    expect(Object.keys(committed.properties)).toEqual(["_extends", "enforce", "rules", "paths", "test_paths", "fail_on", "confidence", "scope", "review_drafts", "skip_label", "comments"]);
  });
});
