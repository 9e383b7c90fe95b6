import {
  type Candidate,
  CodermError,
  createRandom,
  PassMatrix,
  type ProblemMatrix,
  rankingPassAtK,
  type TestBasedReward,
  type UnitTest,
} from "@coderm/core";
import { testOrder } from "./pick-accuracy.js";

/** The methods whose pick early stopping can prove final. */
export const earlyStoppingMethods = ["coderm-vote", "codet"] as const;

/** Options of {@link createEarlyStopping}. */
export interface EarlyStoppingOptions {
  /** `coderm-vote` or `codet`. */
  method: TestBasedReward;
  /**
   * Fewest tests an unfinished problem runs a round (1). A round runs more when no fewer could
   * change anything: as many tests as the best case needs before a candidate could drop out.
   */
  roundSize?: number;
  /**
   * When a candidate drops out. `exact` (the default): when no outcome of the remaining tests
   * could get it picked, so the pick is the full budget's. `confident`: when, at its pass rate so
   * far, it would fall short with probability at least `confidence` (Hoeffding's bound); faster,
   * and the pick may differ.
   */
  rule?: "exact" | "confident";
  /** The `confident` rule's confidence (0.95). */
  confidence?: number;
  /** Seed of each problem's test order. */
  seed?: number | string;
}

/** One problem's outcome under early stopping. */
export interface EarlyStoppedProblem {
  problemId: string;
  /** Expected pass@1 (0..1) of the method's pick. */
  passAt1: number;
  /** Unique (candidate program, test) executions run, and at the full budget. */
  executions: number;
  fullExecutions: number;
  /** Tests (columns) it ran before its pick was final. */
  testsRun: number;
  stoppedEarly: boolean;
}

/** The result of early stopping over a set of problems. */
export interface EarlyStoppingResult {
  /** Mean expected pass@1, in percent. */
  passAt1: number;
  executions: number;
  fullExecutions: number;
  problemsStoppedEarly: number;
  rounds: number;
  problems: EarlyStoppedProblem[];
}

/** The (candidate, tests) pairs one round needs executed, one entry per candidate program. */
export interface EarlyStoppingRound {
  runs: { candidate: Candidate; tests: UnitTest[] }[];
}

/**
 * The early-stopping policy, driven round by round by a caller that executes what it asks for
 * (`@coderm/pipeline` does): `nextRound()` says which (candidate, test) pairs to run, `record()`
 * takes their verdicts, and `result()` gives the picks once `nextRound()` returns undefined.
 */
export interface EarlyStopping {
  /** The pairs to execute next, or undefined when every problem's pick is final. */
  nextRound(): EarlyStoppingRound | undefined;
  /** Records the verdict of a pair the last round asked for. */
  record(candidateId: string, testId: string, passed: boolean): void;
  /** Rounds started so far, and problems still running. */
  readonly rounds: number;
  readonly active: number;
  /** The outcome; call once `nextRound()` has returned undefined. */
  result(): EarlyStoppingResult;
}

interface ProblemRun {
  item: ProblemMatrix;
  order: number[];
  next: number;
  matrix: PassMatrix;
  counts: number[];
  /** Pass pattern of each row over the tests run so far. */
  patterns: string[];
  contending: boolean[];
  duplicates: Map<string, number>;
  /** The (candidate, test) pairs this problem needed, run here or for another problem. */
  pairs: Set<string>;
  done: boolean;
}

const pairKey = (candidateId: string, testId: string) => `${candidateId}\u0000${testId}`;

/**
 * Online early stopping as a policy: each problem runs its tests in rounds (in a seeded random
 * order) and stops spending once the remaining tests cannot change which candidates the method
 * picks. Candidates that can no longer be picked whatever the remaining tests say stop running as
 * soon as that is certain, so the pick equals the full budget's exactly:
 *
 * - `coderm-vote` keeps the candidates passing the most tests: a candidate whose passes plus the
 *   remaining tests fall short of the current leader's passes is out.
 * - `codet` scores a group of candidates with identical verdicts by passes x sqrt(size): groups
 *   only split as tests are added, so (passes + remaining) x sqrt(group size) bounds a group's
 *   final score, and passes x sqrt(copies of the same program) bounds the best final score from
 *   below; a group whose bound is below that is out.
 *
 * A problem is final when every candidate still in is the same program, or its tests run out.
 * Identical (candidate, test) pairs of different problems are asked for once.
 */
export function createEarlyStopping(
  problems: readonly ProblemMatrix[],
  options: EarlyStoppingOptions,
): EarlyStopping {
  const { method } = options;
  if (!(earlyStoppingMethods as readonly string[]).includes(method.name))
    throw new CodermError(
      "invalid-input",
      `early stopping supports ${earlyStoppingMethods.join(" and ")}, not ${method.name}`,
      { field: "method" },
    );
  const roundSize = options.roundSize ?? 1;
  const confident = options.rule === "confident";
  const confidence = options.confidence ?? 0.95;
  const random = createRandom(options.seed ?? 0);
  const runs = problems.map((item): ProblemRun => {
    const rows = item.candidates.length;
    const duplicates = new Map<string, number>();
    for (const candidate of item.candidates)
      duplicates.set(candidate.id, (duplicates.get(candidate.id) ?? 0) + 1);
    return {
      item,
      order: testOrder(item, random.fork(item.problem.id)),
      next: 0,
      matrix: new PassMatrix(
        item.problem.id,
        item.candidates.map((candidate) => candidate.id),
        item.tests.map((test) => test.id),
      ),
      counts: new Array<number>(rows).fill(0),
      patterns: new Array<string>(rows).fill(""),
      contending: new Array<boolean>(rows).fill(true),
      duplicates,
      pairs: new Set(),
      done: rows === 0 || item.tests.length === 0,
    };
  });

  // Verdicts by (candidate, test): identical pairs of different problems run once.
  const known = new Map<string, boolean>();
  let rounds = 0;
  let pending: { run: ProblemRun; columns: number[] }[] = [];
  const settleRound = () => {
    for (const { run, columns } of pending) {
      absorb(run, columns, known);
      settle(run, method.name, confident ? 1 - confidence : 0);
    }
    pending = [];
  };

  return {
    get rounds() {
      return rounds;
    },
    get active() {
      return runs.filter((run) => !run.done).length;
    },
    record(candidateId, testId, passed) {
      known.set(pairKey(candidateId, testId), passed);
    },
    nextRound() {
      settleRound();
      const active = runs.filter((run) => !run.done);
      if (active.length === 0) return undefined;
      rounds += 1;
      const requests = new Map<string, { candidate: Candidate; tests: UnitTest[] }>();
      for (const run of active) {
        const columns = run.order.slice(
          run.next,
          run.next +
            Math.max(
              roundSize,
              Math.min(
                safeSteps(run, method.name),
                confident ? nextCheckpoint(run.next) - run.next : Number.POSITIVE_INFINITY,
              ),
            ),
        );
        run.next += columns.length;
        pending.push({ run, columns });
        for (const [row, candidate] of run.item.candidates.entries()) {
          if (!run.contending[row]) continue;
          for (const column of columns) {
            const test = run.item.tests[column]!;
            const key = pairKey(candidate.id, test.id);
            if (run.pairs.has(key)) continue;
            run.pairs.add(key);
            if (known.has(key)) continue;
            known.set(key, false);
            const request = requests.get(candidate.id);
            if (request === undefined) requests.set(candidate.id, { candidate, tests: [test] });
            else request.tests.push(test);
          }
        }
      }
      return { runs: [...requests.values()] };
    },
    result() {
      settleRound();
      const outcomes = runs.map((run): EarlyStoppedProblem => {
        fillUnknown(run.matrix);
        const ranking = method.rank({
          problem: run.item.problem,
          candidates: run.item.candidates,
          passMatrix: run.matrix,
        });
        const uniqueTests = new Set(run.item.tests.map((test) => test.id)).size;
        return {
          problemId: run.item.problem.id,
          passAt1: rankingPassAtK(ranking, run.item.correct, 1),
          executions: run.pairs.size,
          fullExecutions: run.duplicates.size * uniqueTests,
          testsRun: run.next,
          stoppedEarly: run.next < run.item.tests.length,
        };
      });
      return summarizeEarlyStopping(outcomes, rounds);
    },
  };
}

/** Sums per-problem outcomes into an {@link EarlyStoppingResult}. */
export function summarizeEarlyStopping(
  outcomes: EarlyStoppedProblem[],
  rounds: number,
): EarlyStoppingResult {
  const sum = (pick: (outcome: EarlyStoppedProblem) => number) =>
    outcomes.reduce((total, outcome) => total + pick(outcome), 0);
  return {
    passAt1: (100 * sum((outcome) => outcome.passAt1)) / Math.max(1, outcomes.length),
    executions: sum((outcome) => outcome.executions),
    fullExecutions: sum((outcome) => outcome.fullExecutions),
    problemsStoppedEarly: outcomes.filter((outcome) => outcome.stoppedEarly).length,
    rounds,
    problems: outcomes,
  };
}

/** Writes a round's verdicts into the problem's matrix, counts and patterns (contenders only). */
function absorb(
  run: ProblemRun,
  columns: readonly number[],
  known: ReadonlyMap<string, boolean>,
): void {
  for (const [row, candidate] of run.item.candidates.entries()) {
    if (!run.contending[row]) continue;
    for (const column of columns) {
      const passed = known.get(pairKey(candidate.id, run.item.tests[column]!.id)) === true;
      run.matrix.set(row, column, passed ? "pass" : "fail");
      if (passed) run.counts[row]! += 1;
      run.patterns[row] += passed ? "1" : "0";
    }
  }
}

/**
 * Drops the candidates that can no longer be picked, and ends the problem once its pick is final.
 * With `risk` 0 a candidate's remaining passes range over 0 .. all remaining tests; with `risk` > 0
 * they range over its pass rate so far (smoothed, (passes + 1) / (tests + 2)) plus or minus
 * Hoeffding's margin sqrt(ln(1 / risk) / (2 tests)), times the remaining tests.
 */
function settle(run: ProblemRun, method: string, risk: number): void {
  const remaining = run.item.tests.length - run.next;
  const rows = run.item.candidates.length;
  const margin = risk > 0 && run.next > 0 ? Math.sqrt(Math.log(1 / risk) / (2 * run.next)) : 1;
  const rate = (row: number) => (risk > 0 ? (run.counts[row]! + 1) / (run.next + 2) : 0);
  const high = (row: number) => run.counts[row]! + remaining * Math.min(1, rate(row) + margin);
  const low = (row: number) => run.counts[row]! + remaining * Math.max(0, rate(row) - margin);
  if (method === "coderm-vote") {
    let leader = 0;
    for (let row = 0; row < rows; row++)
      if (run.contending[row]) leader = Math.max(leader, low(row));
    for (let row = 0; row < rows; row++)
      if (run.contending[row] && high(row) < leader) run.contending[row] = false;
  } else {
    let floor = 0;
    const groups = new Map<string, number[]>();
    for (let row = 0; row < rows; row++) {
      if (!run.contending[row]) continue;
      const id = run.item.candidates[row]!.id;
      floor = Math.max(floor, low(row) * Math.sqrt(run.duplicates.get(id)!));
      const group = groups.get(run.patterns[row]!);
      if (group === undefined) groups.set(run.patterns[row]!, [row]);
      else group.push(row);
    }
    for (const group of groups.values()) {
      if (high(group[0]!) * Math.sqrt(group.length) < floor)
        for (const row of group) run.contending[row] = false;
    }
  }
  const programs = new Set<string>();
  for (let row = 0; row < rows; row++)
    if (run.contending[row]) programs.add(run.item.candidates[row]!.id);
  if (remaining === 0 || programs.size <= 1) run.done = true;
}

/**
 * How many more tests a problem can run before a candidate could possibly drop out, assuming the
 * leader passes them all and the other candidate fails them all (and, for codet, the group splits
 * to one candidate): running that many at once skips no chance to stop early.
 */
function safeSteps(run: ProblemRun, method: string): number {
  const remaining = run.item.tests.length - run.next;
  const contenders = run.item.candidates.flatMap((_, row) => (run.contending[row] ? [row] : []));
  let steps = remaining;
  if (method === "coderm-vote") {
    const leader = Math.max(0, ...contenders.map((row) => run.counts[row]!));
    for (const row of contenders)
      steps = Math.min(steps, Math.floor((remaining - (leader - run.counts[row]!)) / 2) + 1);
  } else {
    let floor = 0;
    let copies = 1;
    for (const row of contenders) {
      const duplicates = run.duplicates.get(run.item.candidates[row]!.id)!;
      floor = Math.max(floor, run.counts[row]! * Math.sqrt(duplicates));
      copies = Math.max(copies, duplicates);
    }
    for (const row of contenders)
      steps = Math.min(
        steps,
        Math.floor((run.counts[row]! + remaining - floor) / (1 + Math.sqrt(copies))) + 1,
      );
  }
  return Math.max(1, steps);
}

/** Test counts at which the `confident` rule next looks (2, 3, 4, 6, 9, 14, ...), so rounds stay few. */
function nextCheckpoint(tests: number): number {
  let checkpoint = 2;
  while (checkpoint <= tests)
    checkpoint = checkpoint < 4 ? checkpoint + 1 : Math.ceil(checkpoint * 1.5);
  return checkpoint;
}

/** Tests a candidate never ran count as failed: by the rules above, that never changes the pick. */
function fillUnknown(matrix: PassMatrix): void {
  for (let row = 0; row < matrix.rowCount; row++)
    for (let column = 0; column < matrix.columnCount; column++)
      if (!matrix.known(row, column)) matrix.set(row, column, "fail");
}
