import workerpool from "workerpool";
import { rules } from "../../rules/index.js";
import { runAnalysisRequest, type AnalysisRequest } from "../engine/file-analyser.js";
import { prepareQueries } from "../engine/rule-queries.js";

// A process of the analysis pool. It tells the pool its pid before each file, so the pool can
// watch its memory while tree-sitter parses and kill it when the file goes over budget.

// Before taking work: compiling the rules' query takes a quarter of a second, which is not the file's.
prepareQueries(rules);

workerpool.worker({
  async analyse(request: AnalysisRequest) {
    workerpool.workerEmit({ pid: process.pid });
    // Let the message leave before a long native parse blocks this process's event loop.
    await new Promise((resolve) => setImmediate(resolve));
    return runAnalysisRequest(request, rules);
  },
});
