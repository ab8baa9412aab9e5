import type { Rule } from "../src/engine/rule.js";
import dynamicAtom from "./dynamic-atom.js";
import dynamicAtomProcessName from "./dynamic-atom-process-name.js";
import genserverStateless from "./genserver-stateless.js";
import pg2Removed from "./pg2-removed.js";
import suppressionUnknownRule from "./suppression-unknown-rule.js";
import taskAsyncUnsupervised from "./task-async-unsupervised.js";

/** Every rule, listed by hand so that adding one is a reviewed, type-checked change. */
export const rules: readonly Rule[] = [
  genserverStateless,
  taskAsyncUnsupervised,
  dynamicAtomProcessName,
  dynamicAtom,
  pg2Removed,
  suppressionUnknownRule,
];
