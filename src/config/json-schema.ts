import { z } from "zod";
import type { Rule } from "../engine/rule.js";
import { policySchema } from "./schema.js";

/**
 * The JSON Schema of `.github/otp-review.yml`, for editors (YAML language servers validate as
 * people type). Generated from the schema the app itself validates with, so they cannot disagree.
 */
export function policyJsonSchema(rules: readonly Rule[]): object {
  const schema = z.toJSONSchema(policySchema, { io: "input" }) as unknown as { properties: { rules: { propertyNames?: object } } };
  // Editors can then complete rule ids, and flag a typo as the app does.
  schema.properties.rules.propertyNames = { enum: rules.map((rule) => rule.meta.id) };
  return {
    ...schema,
    $id: "https://github.com/otp-review/otp-review/blob/main/schema/otp-review.schema.json",
    title: "otp-review policy (.github/otp-review.yml)",
  };
}
