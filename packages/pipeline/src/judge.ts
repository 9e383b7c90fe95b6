import type { CallTest, ComputeExpectedOutputs } from "@coderm/benchmarks";
import {
  AsyncQueue,
  type Candidate,
  CodermError,
  contentId,
  type ExecutionLimits,
  type ExecutionRequest,
  type Executor,
  type Problem,
  passAtK,
  type UnitTest,
  type Verdict,
} from "@coderm/core";
import {
  allowedMs,
  type EvalPlusSettings,
  type SequenceStatus,
  sequenceStatus,
  spentMs,
  type TestSequence,
  testSequences,
} from "./evalplus-rules.js";
import type { Sample } from "./sample-files.js";

/** The outcome of one test sequence of a sample (EvalPlus: base, plus). */
export interface JudgedSequence {
  name: TestSequence["name"];
  status: SequenceStatus;
  /** Verdicts of the sequence's tests that ran, in order (up to the first failure when judging stops there). */
  verdicts: Verdict[];
  /** How many tests the sequence has. */
  testCount: number;
}

/** A judged sample: passed when every test sequence passed. */
export interface JudgedSample extends Sample {
  passed: boolean;
  /** Verdicts of the ground-truth tests that ran, in the problem's test order. */
  verdicts: Verdict[];
  /** One outcome per test sequence of the problem (see {@link testSequences}). */
  sequences: JudgedSequence[];
}

/** Options of {@link judgeSamples}. */
export interface JudgeOptions {
  problems: ReadonlyMap<string, Problem>;
  executor: Executor;
  limits: ExecutionLimits;
  /**
   * Stop each test sequence at its first test that does not pass, as EvalPlus does unless asked
   * for every input's result (tests then run in growing chunks: 1, 4, 16, ...).
   */
  stopAtFirstFailure?: boolean;
  /** EvalPlus's settings: a sequence whose tests together take longer than it allows is a `timeout`. */
  evalPlus?: EvalPlusSettings;
  signal?: AbortSignal;
  /** Called with the number of distinct programs to judge, then as each one is judged. */
  onProgress?: (event: { total: number } | { done: number }) => void;
}

const firstChunk = 1;
const chunkGrowth = 4;
const chunkWorstFactor = 4;

/** One distinct program of a problem, judged sequence after sequence, chunk after chunk. */
interface Judgement {
  candidate: Candidate;
  problem: Problem;
  sequences: TestSequence[];
  /** The sequence being run, and the next test index in the problem's tests. */
  sequence: number;
  next: number;
  chunkSize: number;
  /** The chunk in flight: test id -> its index in the problem's tests. */
  inFlight: Map<string, number>;
  received: Map<number, Verdict>;
  outcomes: JudgedSequence[];
}

/**
 * Runs every sample against its problem's ground-truth tests through the executor (identical
 * programs of a problem run once) and yields the judged samples in input order. Each test
 * sequence of a problem (EvalPlus's base and plus inputs) is judged on its own; with
 * `stopAtFirstFailure` a sequence ends at its first test that does not pass.
 */
export async function* judgeSamples(
  samples: AsyncIterable<Sample> | Iterable<Sample>,
  options: JudgeOptions,
): AsyncGenerator<JudgedSample> {
  const all: Sample[] = [];
  for await (const sample of samples) all.push(sample);
  const judgements = new Map<string, Judgement>();
  for (const sample of all) {
    const problem = options.problems.get(sample.taskId)!;
    const id = contentId(`${problem.id}\n${sample.program}`);
    if (judgements.has(id)) continue;
    judgements.set(id, {
      candidate: { id, problemId: problem.id, code: sample.program },
      problem,
      sequences: testSequences(problem),
      sequence: 0,
      next: 0,
      chunkSize: firstChunk,
      inFlight: new Map(),
      received: new Map(),
      outcomes: [],
    });
  }
  options.onProgress?.({ total: judgements.size });
  const requests = new AsyncQueue<ExecutionRequest>();
  let open = judgements.size;
  const advance = (judgement: Judgement) => {
    if (!sendNextChunk(judgement, requests, options)) {
      open -= 1;
      options.onProgress?.({ done: 1 });
      if (open === 0) requests.end();
    }
  };
  for (const judgement of judgements.values()) advance(judgement);
  if (open === 0) requests.end();
  for await (const verdict of options.executor.execute(
    requests,
    options.signal ? { signal: options.signal } : {},
  )) {
    const judgement = judgements.get(verdict.candidateId)!;
    const index = judgement.inFlight.get(verdict.testId);
    if (index === undefined) continue;
    judgement.inFlight.delete(verdict.testId);
    judgement.received.set(index, verdict);
    if (judgement.inFlight.size === 0) advance(judgement);
  }
  for (const sample of all) {
    const problem = options.problems.get(sample.taskId)!;
    const judgement = judgements.get(contentId(`${problem.id}\n${sample.program}`))!;
    yield {
      ...sample,
      passed:
        judgement.outcomes.length > 0 &&
        judgement.outcomes.every((outcome) => outcome.status === "pass"),
      verdicts: judgement.outcomes.flatMap((outcome) => outcome.verdicts),
      sequences: judgement.outcomes,
    };
  }
}

/**
 * Takes in the verdicts of the chunk that just finished and sends the next chunk; false when
 * the judgement is complete.
 */
function sendNextChunk(
  judgement: Judgement,
  requests: AsyncQueue<ExecutionRequest>,
  options: JudgeOptions,
): boolean {
  const tests = judgement.problem.tests ?? [];
  for (;;) {
    const sequence = judgement.sequences[judgement.sequence];
    if (sequence === undefined) return false;
    const ran = [...judgement.received.keys()].sort((a, b) => a - b);
    const verdicts = ran.map((index) => judgement.received.get(index)!);
    const failedAt = verdicts.findIndex((verdict) => verdict.status !== "pass");
    const sequenceTests = tests.slice(sequence.start, sequence.end);
    const testDetails = !options.stopAtFirstFailure;
    const over =
      sequenceStatus(sequenceTests, verdicts, options.evalPlus, testDetails) === "timeout";
    const stopped = options.stopAtFirstFailure === true && failedAt !== -1;
    if (judgement.next >= sequence.end || stopped || over) {
      const kept = stopped ? verdicts.slice(0, failedAt + 1) : verdicts;
      judgement.outcomes.push({
        name: sequence.name,
        status: sequenceStatus(sequenceTests, kept, options.evalPlus, testDetails),
        verdicts: kept,
        testCount: sequenceTests.length,
      });
      judgement.sequence += 1;
      judgement.received = new Map();
      judgement.chunkSize = firstChunk;
      const following = judgement.sequences[judgement.sequence];
      if (following !== undefined) judgement.next = following.start;
      continue;
    }
    // the next chunk: growing while it passes; cut short at a test id already in it (EvalPlus
    // inputs may repeat; a verdict is matched to its test by id)
    const size = options.stopAtFirstFailure ? judgement.chunkSize : sequence.end - judgement.next;
    // a request cannot be stopped partway: under EvalPlus's whole-run limit, a chunk's worst case
    // (every test at its limit) stays within a few times what is left of it
    const worstMs =
      options.evalPlus === undefined
        ? Number.POSITIVE_INFINITY
        : chunkWorstFactor *
          (allowedMs(sequenceTests, options.evalPlus, testDetails) - spentMs(verdicts));
    const chunk: UnitTest[] = [];
    let chunkWorstMs = 0;
    for (let index = judgement.next; index < sequence.end && chunk.length < size; index++) {
      const test = tests[index]!;
      chunkWorstMs += test.timeMs ?? options.limits.timeMs;
      if (chunk.length > 0 && chunkWorstMs > worstMs) break;
      if (judgement.inFlight.has(test.id)) break;
      judgement.inFlight.set(test.id, index);
      chunk.push(test);
    }
    judgement.next += chunk.length;
    judgement.chunkSize *= chunkGrowth;
    const { language } = judgement.problem;
    requests.push({
      candidate: judgement.candidate,
      tests: chunk,
      limits: options.limits,
      ...(language === "python" ? {} : { language }),
    });
    return true;
  }
}

/**
 * pass@k in percent over every problem of the benchmark, for each k in `ks` that the sample counts
 * allow (every problem with samples has at least k, evalplus's rule). A problem without samples
 * counts as unsolved.
 */
export function passAtKPercent(
  judged: Iterable<{ taskId: string; passed: boolean }>,
  problemIds: Iterable<string>,
  ks: readonly number[] = [1, 10, 100],
): Record<string, number> {
  const counts = new Map<string, { n: number; c: number }>();
  for (const id of problemIds) counts.set(id, { n: 0, c: 0 });
  for (const { taskId, passed } of judged) {
    const count = counts.get(taskId)!;
    count.n += 1;
    if (passed) count.c += 1;
  }
  const sampled = [...counts.values()].filter(({ n }) => n > 0);
  const result: Record<string, number> = {};
  for (const k of ks) {
    if (sampled.length === 0 || sampled.some(({ n }) => n < k)) continue;
    result[`pass@${k}`] =
      (100 * sampled.reduce((sum, { n, c }) => sum + passAtK(n, c, k), 0)) / counts.size;
  }
  return result;
}

/**
 * A {@link ComputeExpectedOutputs} that runs each problem's canonical solution through the
 * executor in output mode (call tests without `expected` return the value). A canonical solution
 * that fails on an input is an error naming the problem and the test. `referenceMs` receives the
 * canonical solution's wall time on each test, by problem (EvalPlus's per-input limits).
 */
export function expectedOutputsFromExecutor(
  executor: Executor,
  limits: ExecutionLimits,
  referenceMs?: Map<string, number[]>,
): ComputeExpectedOutputs {
  return async (problem: Problem, tests: readonly CallTest[]) => {
    if (problem.canonicalSolution === undefined) {
      throw new CodermError(
        "invalid-input",
        "the problem has no canonical solution to compute expected outputs from",
        { item: problem.id },
      );
    }
    const candidate = {
      id: contentId(problem.canonicalSolution),
      problemId: problem.id,
      code: problem.canonicalSolution,
    };
    const values = new Map<string, unknown>();
    const times = new Map<string, number>();
    for await (const verdict of executor.execute([
      { candidate, tests: tests as UnitTest[], limits },
    ])) {
      if (verdict.status !== "pass" || verdict.value === undefined) {
        throw new CodermError(
          "internal",
          `the canonical solution gave ${verdict.status} (${verdict.errorType ?? ""} ${verdict.message ?? ""})`.trim(),
          {
            item: `${problem.id} test ${verdict.testId}`,
          },
        );
      }
      values.set(verdict.testId, verdict.value);
      times.set(verdict.testId, verdict.wallMs);
    }
    referenceMs?.set(
      problem.id,
      tests.map((test) => times.get(test.id)!),
    );
    return tests.map((test) => values.get(test.id));
  };
}
