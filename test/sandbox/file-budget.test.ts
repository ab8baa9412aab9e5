import { describe, expect, it } from "vitest";
import { DEFAULT_FILE_BUDGET, sandboxSettingsFromEnv } from "../../src/sandbox/file-budget.js";

describe("the per-file budget from the environment", () => {
  it("defaults to 5 s and 512 MB with the pool sized by the machine", () => {
    expect(sandboxSettingsFromEnv({})).toEqual({ budget: { timeMs: 5000, memoryMb: 512 } });
    expect(DEFAULT_FILE_BUDGET).toEqual({ timeMs: 5000, memoryMb: 512 });
  });

  it("takes what the operator set", () => {
    const env = { OTP_REVIEW_FILE_TIME_MS: "2000", OTP_REVIEW_FILE_MEMORY_MB: "256", OTP_REVIEW_ANALYSIS_PROCESSES: "3" };
    expect(sandboxSettingsFromEnv(env)).toEqual({ budget: { timeMs: 2000, memoryMb: 256 }, processes: 3 });
  });

  it("refuses values that are not whole numbers above zero, naming each variable", () => {
    expect(() => sandboxSettingsFromEnv({ OTP_REVIEW_FILE_TIME_MS: "soon", OTP_REVIEW_FILE_MEMORY_MB: "0" })).toThrow(
      "otp-review: OTP_REVIEW_FILE_TIME_MS must be a number; OTP_REVIEW_FILE_MEMORY_MB must be above zero",
    );
    expect(() => sandboxSettingsFromEnv({ OTP_REVIEW_ANALYSIS_PROCESSES: "1.5" })).toThrow("OTP_REVIEW_ANALYSIS_PROCESSES must be a whole number");
  });
});
