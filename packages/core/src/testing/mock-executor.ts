import { CodermError } from "../errors.js";
import type { ExecuteOptions, Executor, ExecutorCapabilities } from "../interfaces/executor.js";
import {
  type Candidate,
  type ExecutionRequest,
  type UnitTest,
  type UnitTestKind,
  unitTestKinds,
  type Verdict,
  type VerdictStatus,
} from "../model.js";

/** Settings of {@link createMockExecutor}. */
export interface MockExecutorSettings {
  /** The executor's name (`mock`). */
  name?: string;
  /** What it claims to run (python, every test kind, the `process` level). */
  capabilities?: Partial<ExecutorCapabilities>;
  /** Its fingerprint (`mock`). */
  fingerprint?: string;
  /**
   * The verdict of one pair: a status, or the verdict's fields; `pass` for every pair by default.
   * May be asynchronous, to hold a verdict back.
   */
  judge?: (
    candidate: Candidate,
    test: UnitTest,
  ) => VerdictStatus | Partial<Verdict> | Promise<VerdictStatus | Partial<Verdict>>;
}

/** An {@link Executor} that judges pairs with a function and remembers every request. */
export interface MockExecutor extends Executor {
  /** Every request received, in order. */
  readonly requests: ExecutionRequest[];
  /** Pairs judged so far. */
  readonly executed: number;
  readonly closed: boolean;
}

/**
 * A mock of the {@link Executor} interface for tests of code that drives executors: it runs
 * nothing, answers every (candidate, test) pair with `judge`, honours cancellation and closing
 * like a real backend, and records what it was asked.
 */
export function createMockExecutor(settings: MockExecutorSettings = {}): MockExecutor {
  const requests: ExecutionRequest[] = [];
  let executed = 0;
  let closed = false;
  const kinds: readonly UnitTestKind[] = settings.capabilities?.testKinds ?? unitTestKinds;
  return {
    name: settings.name ?? "mock",
    capabilities: {
      languages: settings.capabilities?.languages ?? ["python"],
      testKinds: kinds,
      sandboxLevels: settings.capabilities?.sandboxLevels ?? ["process"],
    },
    get requests() {
      return requests;
    },
    get executed() {
      return executed;
    },
    get closed() {
      return closed;
    },
    async fingerprint() {
      return settings.fingerprint ?? "mock";
    },
    async *execute(input, options: ExecuteOptions = {}) {
      if (closed) throw new CodermError("unavailable", "the executor is closed");
      for await (const request of input) {
        requests.push(request);
        for (const test of request.tests) {
          if (options.signal?.aborted)
            throw new CodermError("cancelled", "execution was cancelled");
          if (!kinds.includes(test.kind))
            throw new CodermError("unsupported", `test kind "${test.kind}" is not supported`, {
              item: test.id,
            });
          const judged = await (settings.judge?.(request.candidate, test) ?? "pass");
          executed += 1;
          yield {
            wallMs: 0,
            cpuMs: 0,
            ...(typeof judged === "string" ? { status: judged } : { status: "pass", ...judged }),
            candidateId: request.candidate.id,
            testId: test.id,
          } as Verdict;
        }
      }
    },
    async close() {
      closed = true;
    },
  };
}
