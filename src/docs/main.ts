#!/usr/bin/env node
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { rules } from "../../rules/index.js";
import { packageRoot } from "../package-root.js";
import { renderRuleDoc } from "./render-rule.js";

/** Writes docs/rules/<id>.md for every rule; a test fails when they are out of date. */
async function main(): Promise<void> {
  const dir = join(packageRoot(), "docs", "rules");
  await mkdir(dir, { recursive: true });
  for (const rule of rules) await writeFile(join(dir, `${rule.meta.id}.md`), renderRuleDoc(rule));
  process.stdout.write(`wrote ${rules.length} rule pages to ${dir}\n`);
}

await main();
