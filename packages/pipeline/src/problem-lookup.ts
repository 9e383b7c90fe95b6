import { getDataset, loadProblems } from "@coderm/benchmarks";
import { CodermError, type Executor, type Problem } from "@coderm/core";
import { evalPlusDefaults } from "./evalplus-rules.js";
import { prepareGroundTruth } from "./ground-truth.js";
import type { KnownProblem, ProblemLookup } from "./reward-items.js";

/** Settings of {@link createProblemLookup}. */
export interface ProblemLookupSettings {
  /** Runs the canonical solutions where a benchmark leaves expected outputs to them. */
  executor: Executor;
  /** The benchmarks' data directory, where not `CODERM_DATA_DIR`. */
  dataDir?: string;
  /** The benchmarks it may load (every Python benchmark by default). */
  benchmarks?: readonly string[];
}

/**
 * Finds known benchmark problems for a long-lived service: a benchmark is loaded on first use,
 * and a problem's ground truth is made ready on first use (EvalPlus's expected outputs and
 * per-input limits computed for that problem alone, then kept). Each is judged under its
 * benchmark's own limits (EvalPlus's 4 GiB for its benchmarks).
 */
export function createProblemLookup(settings: ProblemLookupSettings): ProblemLookup {
  const benchmarks = new Map<string, Promise<Map<string, Problem>>>();
  const prepared = new Map<string, Promise<KnownProblem>>();
  const load = (name: string) => {
    let problems = benchmarks.get(name);
    if (problems === undefined) {
      problems = loadProblems(
        name,
        settings.dataDir === undefined ? {} : { dataDir: settings.dataDir },
      ).then((list) => new Map(list.map((problem) => [problem.id, problem])));
      // a failed load (a file not reachable) is tried again by the next request
      problems.catch(() => benchmarks.delete(name));
      benchmarks.set(name, problems);
    }
    return problems;
  };
  return {
    get(benchmark, id) {
      if (settings.benchmarks !== undefined && !settings.benchmarks.includes(benchmark))
        return Promise.reject(
          new CodermError(
            "not-found",
            `unknown benchmark "${benchmark}" (this service serves: ${settings.benchmarks.join(", ")})`,
            { field: "problem.benchmark" },
          ),
        );
      const key = `${benchmark}\n${id}`;
      let known = prepared.get(key);
      if (known === undefined) {
        known = (async () => {
          const dataset = getDataset(benchmark);
          const problem = (await load(dataset.name)).get(id);
          if (problem === undefined)
            throw new CodermError("not-found", `${benchmark} has no problem "${id}"`, {
              field: "problem.id",
            });
          const evalPlus = dataset.groundTruth === "evalplus";
          const limits = {
            timeMs: dataset.timeLimitMs,
            memoryMb: dataset.memoryLimitMb,
            outputBytes: 4096,
          };
          const [ready] = await prepareGroundTruth([problem], {
            executor: settings.executor,
            limits,
            ...(evalPlus ? { evalPlus: evalPlusDefaults } : {}),
          });
          return { problem: ready!, limits };
        })();
        known.catch(() => prepared.delete(key));
        prepared.set(key, known);
      }
      return known;
    },
  };
}
