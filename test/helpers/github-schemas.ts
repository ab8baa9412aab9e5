import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { packageRoot } from "../../src/package-root.js";

/**
 * The request body schemas of GitHub's published REST description, for the operations the app
 * calls. The stand-in answers 422 to a body they reject, as GitHub does, so a test cannot pass
 * with a request a real GitHub would refuse.
 */
const { operations } = JSON.parse(readFileSync(join(packageRoot(), "test", "fixtures", "github-request-schemas.json"), "utf8")) as { operations: Record<string, object> };

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats.default(ajv);

const validators = new Map<string, ValidateFunction>(Object.entries(operations).map(([id, schema]) => [id, ajv.compile(schema)]));

export type Operation =
  "checks/create" | "checks/update" | "pulls/create-review" | "pulls/update-review-comment" | "pulls/create-reply-for-review-comment" | "reactions/create-for-pull-request-review-comment";

/** Why GitHub's description rejects the body, or null when it accepts it. */
export function schemaErrors(operation: Operation, body: unknown): string | null {
  const validate = validators.get(operation)!;
  return validate(body) ? null : ajv.errorsText(validate.errors);
}
