import type { Rule } from "../src/engine/rule.js";
import callInfinityTimeout from "./call-infinity-timeout.js";
import sysTraceInCode from "./sys-trace-in-code.js";
import detsSizeLimit from "./dets-size-limit.js";
import dynamicSupervisorStrategy from "./dynamic-supervisor-strategy.js";
import spawnUnsupervised from "./spawn-unsupervised.js";
import broadwayAsJobQueue from "./broadway-as-job-queue.js";
import etsReadConcurrency from "./ets-read-concurrency.js";
import genserverReadBottleneck from "./genserver-read-bottleneck.js";
import initBlockingWork from "./init-blocking-work.js";
import castWithoutBackpressure from "./cast-without-backpressure.js";
import genserverExplicitStates from "./genserver-explicit-states.js";
import taskAsyncRescue from "./task-async-rescue.js";
import supervisorStrategyUndocumented from "./supervisor-strategy-undocumented.js";
import restartIntensity from "./restart-intensity.js";
import obanExternalQueue from "./oban-external-queue.js";
import broadwayProcessorsOrganization from "./broadway-processors-organization.js";
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
  callInfinityTimeout,
  sysTraceInCode,
  detsSizeLimit,
  dynamicSupervisorStrategy,
  spawnUnsupervised,
  broadwayAsJobQueue,
  etsReadConcurrency,
  genserverReadBottleneck,
  initBlockingWork,
  castWithoutBackpressure,
  genserverExplicitStates,
  taskAsyncRescue,
  supervisorStrategyUndocumented,
  restartIntensity,
  obanExternalQueue,
  broadwayProcessorsOrganization,
  suppressionUnknownRule,
];
