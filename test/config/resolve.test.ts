import { describe, expect, it } from "vitest";
import { rules } from "../../rules/index.js";
import { resolvePolicy } from "../../src/config/resolve.js";

const org = (text: string) => ({ text, source: "acme/.github:.github/otp-review.yml" });
const repo = (text: string) => ({ text, source: "acme/shop:.github/otp-review.yml@main" });

describe("resolvePolicy", () => {
  it("uses the organisation's policy when the repository has none", () => {
    const resolved = resolvePolicy({ org: org("fail_on: warning\n") }, rules);

    expect(resolved).toMatchObject({ ok: true, policy: { fail_on: "warning" }, source: "acme/.github:.github/otp-review.yml" });
  });

  it("uses the repository's alone when it does not extend the organisation's", () => {
    const resolved = resolvePolicy({ org: org("fail_on: warning\nscope: file\n"), repo: repo("scope: diff_context\n") }, rules);

    expect(resolved).toMatchObject({ ok: true, policy: { fail_on: "error", scope: "diff_context" }, source: "acme/shop:.github/otp-review.yml@main" });
  });

  it("layers the repository's file over the organisation's key by key with `_extends: .github`, lists replacing", () => {
    const orgText = 'fail_on: warning\npaths:\n  include: ["lib/**"]\n  exclude: ["lib/legacy/**"]\nrules:\n  pg2-removed: error\n';
    const repoText = '_extends: .github\npaths:\n  exclude: ["lib/generated/**"]\nrules:\n  dets-size-limit: off\n';

    const resolved = resolvePolicy({ org: org(orgText), repo: repo(repoText) }, rules);

    expect(resolved).toMatchObject({
      ok: true,
      source: "acme/.github:.github/otp-review.yml, refined by acme/shop:.github/otp-review.yml@main",
      policy: { fail_on: "warning", paths: { include: ["lib/**"], exclude: ["lib/generated/**"] }, rules: { "pg2-removed": "error", "dets-size-limit": "off" } },
    });
  });

  it("gives enforced settings the last word, and says which were overridden and by whom", () => {
    const orgText = "enforce:\n  rules:\n    dynamic-atom-process-name: error\n    cast-without-backpressure: warning\n  fail_on: warning\n";
    const repoText = "fail_on: never\nrules:\n  dynamic-atom-process-name: off\n";

    const resolved = resolvePolicy({ org: org(orgText), repo: repo(repoText) }, rules);

    expect(resolved).toMatchObject({ ok: true, policy: { fail_on: "warning", rules: { "dynamic-atom-process-name": "error", "cast-without-backpressure": "warning" } } });
    expect(resolved.ok && resolved.overrides).toEqual([
      "`rules.dynamic-atom-process-name: off` in acme/shop:.github/otp-review.yml@main is enforced up to `error` by acme/.github:.github/otp-review.yml",
      "`fail_on: never` in acme/shop:.github/otp-review.yml@main is enforced up to `warning` by acme/.github:.github/otp-review.yml",
    ]);
  });

  it("refuses `enforce` in a repository's file, and reports errors in both files", () => {
    const resolved = resolvePolicy({ org: org("scope: everywhere\n"), repo: repo("enforce:\n  fail_on: never\n") }, rules);

    expect(resolved.ok).toBe(false);
    expect(!resolved.ok && resolved.errors.map((e) => `${e.file}:${e.line} ${e.keyPath}`)).toEqual(["acme/.github:.github/otp-review.yml:1 scope", "acme/shop:.github/otp-review.yml@main:1 enforce"]);
  });
});
