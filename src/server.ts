#!/usr/bin/env node
import { run } from "probot";
import { OtpReviewOctokit } from "./github/rate-limits.js";
import otpReview from "./index.js";

/**
 * The server, as the container and `npm start` run it: Probot's `run` (environment, HTTP server,
 * webhook proxy, setup page), with the Octokit whose rate-limit retries the reviews rely on.
 * Node is the process, so SIGTERM reaches the app's shutdown handler.
 */
await run(otpReview, { Octokit: OtpReviewOctokit });
