import workerpool from "workerpool";
import { rules } from "../../rules/index.js";
import { runAnalysisRequest, type AnalysisRequest } from "../engine/file-analyser.js";
import { prepareQueries } from "../engine/rule-queries.js";

// A process of the analysis pool. It tells the pool its pid and the CPU time it has used before
// each file, so the pool can watch the file's CPU time and the process's memory while
// tree-sitter parses, and kill the process when the file goes over budget.

// Before taking work: compiling the rules' query takes a quarter of a second, which is not the file's.
prepareQueries(rules);

workerpool.worker({
  async analyse(request: AnalysisRequest) {
    const { user, system } = process.cpuUsage();
    workerpool.workerEmit({ pid: process.pid, cpuMs: (user + system) / 1000 });
    // Let the message leave before a long native parse blocks this process's event loop.
    await new Promise((resolve) => setImmediate(resolve));
    return runAnalysisRequest(request, rules);
  },
});
