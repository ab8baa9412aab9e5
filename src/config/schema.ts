import { z } from "zod";

/** Where a repository and its organisation keep their policy. */
export const POLICY_PATH = ".github/otp-review.yml";

/** A rule's setting: a severity, `off`, or an object with a severity, a confidence threshold and the rule's options. */
const severityOrOff = z.enum(["error", "warning", "info", "off"]);
const confidence = z.enum(["high", "medium"]);
const ruleSetting = z.union([severityOrOff, z.object({ severity: severityOrOff.optional(), confidence: confidence.optional() }).catchall(z.union([z.number(), z.string(), z.boolean()]))]);

/**
 * `.github/otp-review.yml`. Everything has a default: an empty file changes nothing. The JSON
 * Schema editors validate against (`schema/otp-review.schema.json`) is generated from this.
 */
const failOn = z.enum(["error", "warning", "info", "never"]);

export const policySchema = z
  .object({
    _extends: z.literal(".github").optional().describe("layer this file over the organisation's policy (the .github repository)"),
    enforce: z
      .object({
        rules: z
          .record(z.string(), z.enum(["error", "warning", "info"]))
          .default({})
          .describe("rule id: the least severity a repository may set"),
        fail_on: failOn.optional().describe("the least strict fail_on a repository may set"),
      })
      .strict()
      .optional()
      .describe("organisation policy only: settings no repository file may lower"),
    rules: z.record(z.string(), ruleSetting).default({}).describe("per rule id: a severity, off, or { severity, …options }"),
    paths: z
      .object({
        include: z.array(z.string()).default(["**"]).describe("globs of the files reviewed at all"),
        exclude: z.array(z.string()).default([]).describe("globs of files never reviewed"),
      })
      .strict()
      .default({ include: ["**"], exclude: [] }),
    test_paths: z.array(z.string()).default(["test/**", "**/test/**", "**/*_test.exs"]).describe("globs of test code, held to the relaxed rules"),
    fail_on: failOn.default("error").describe("the least severity that fails the check run"),
    confidence: confidence
      .default("high")
      .describe("the least confidence a finding needs to become a line comment and count towards fail_on; the others are listed in the check run (and by the CLI with --all)"),
    scope: z.enum(["added", "diff_context", "file"]).default("added").describe("which findings may be reported: on added lines, on any line of the diff, or anywhere in a changed file"),
    review_drafts: z.boolean().default(true).describe("review draft pull requests too; false completes their run as skipped until they are ready for review"),
    skip_label: z.string().nullable().default("otp-review:skip").describe("a pull request with this label is not reviewed: its run completes as skipped with the reason (null: no label skips)"),
    comments: z
      .object({
        mode: z.enum(["review", "annotations", "off"]).default("review").describe("review: line comments and the check run; annotations: the check run only"),
        max: z.number().int().min(0).max(100).default(25).describe("inline comments per run; the rest live in the check run"),
        request_changes: z.boolean().default(false).describe("post REQUEST_CHANGES instead of COMMENT when the run fails"),
      })
      .strict()
      .default({ mode: "review", max: 25, request_changes: false }),
  })
  .strict();

export type Policy = z.infer<typeof policySchema>;

export const DEFAULT_POLICY: Policy = policySchema.parse({});
