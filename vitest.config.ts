import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    // tree-sitter is a native addon: forks keep each test file's copy in its own process.
    pool: "forks",
  },
});
