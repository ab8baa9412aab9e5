#!/usr/bin/env node
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { rules } from "../../rules/index.js";
import { packageRoot } from "../package-root.js";
import { policyJsonSchema } from "../config/json-schema.js";
import { renderRuleDoc, withRulesTable } from "./render-rule.js";

/** Writes docs/rules/<id>.md for every rule, the README's rules table and the policy's JSON Schema; tests fail when they are stale. */
async function main(): Promise<void> {
  const root = packageRoot();
  const dir = join(root, "docs", "rules");
  await mkdir(dir, { recursive: true });
  for (const rule of rules) await writeFile(join(dir, `${rule.meta.id}.md`), renderRuleDoc(rule));
  await mkdir(join(root, "schema"), { recursive: true });
  await writeFile(join(root, "schema", "otp-review.schema.json"), `${JSON.stringify(policyJsonSchema(rules), null, 2)}\n`);
  const readme = join(root, "README.md");
  await writeFile(readme, withRulesTable(await readFile(readme, "utf8"), rules));
  process.stdout.write(`wrote ${rules.length} rule pages to ${dir} and the rules table of ${readme}\n`);
}

await main();
