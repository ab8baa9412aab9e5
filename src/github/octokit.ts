import type { ProbotOctokit } from "probot";

/** The authenticated client for one installation; every GitHub request goes through it. */
export type GitHub = InstanceType<typeof ProbotOctokit>;
