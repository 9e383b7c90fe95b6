import type { Executor } from "@coderm/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AdversarialEnvironment,
  adversarialAttacks,
  createAdversarialContext,
  formatAdversarialTable,
  runAdversarialSuite,
} from "./adversarial.js";
import type { AdversarialRow } from "./attack-outcome.js";
import { assertTest, collect, request } from "./conformance.js";

/** Options of {@link describeAdversarialSuite}. */
export interface DescribeAdversarialOptions {
  /** The repository root, which gets the run's secret file (under a gitignored name). */
  projectDir: string;
  /** Receives the rows of each level once they are in (e.g. to print one table at the end). */
  onRows?(level: string, rows: readonly AdversarialRow[]): void;
}

/**
 * The adversarial suite as vitest tests, for any executor backend: one test per attack at each
 * sandbox level (fails on a pass or a breach), then a check that the executor still judges honest
 * and wrong candidates on every worker. `create` is called after the context exists, so the
 * secret it puts in `process.env` is there when the executor starts; it must start two workers.
 */
export function describeAdversarialSuite(
  levels: readonly string[],
  create: (level: string) => Promise<Executor>,
  options: DescribeAdversarialOptions,
): void {
  describe.each(levels)("adversarial suite at sandbox level %s", (level) => {
    let context: AdversarialEnvironment;
    let executor: Executor;
    const rows = new Map<string, AdversarialRow>();

    beforeAll(async () => {
      context = await createAdversarialContext({ projectDir: options.projectDir });
      executor = await create(level);
      const result = await runAdversarialSuite(executor, { context });
      for (const row of result) rows.set(row.id, row);
      options.onRows?.(level, result);
    }, 900_000);

    afterAll(async () => {
      await executor?.close();
      await context?.dispose();
    });

    for (const attack of adversarialAttacks) {
      it(`${attack.id} (${attack.category}) neither passes nor breaches`, () => {
        const row = rows.get(attack.id);
        expect(row, "the attack ran").toBeDefined();
        expect(row!.breached, row!.detail).toBe(false);
      });
    }

    it("still judges honest and wrong candidates on every worker afterwards", async () => {
      const tests = [assertTest("t", "assert f(21) == 42")];
      // Wrong candidates first, so that each of the two workers judges one.
      const verdicts = await collect(executor, [
        request("wrong-0", "def f(x):\n    return x\n", tests),
        request("wrong-1", "def f(x):\n    return x + 1\n", tests),
        request("honest-0", "def f(x):\n    return 2 * x\n", tests),
        request("honest-1", "def f(x):\n    return x + x\n", tests),
      ]);
      for (const id of ["wrong-0", "wrong-1"])
        expect(verdicts.get(`${id}/t`)?.status, id).toBe("fail");
      for (const id of ["honest-0", "honest-1"])
        expect(verdicts.get(`${id}/t`)?.status, id).toBe("pass");
    });
  });
}

/** Prints the table of every level's rows once the file's tests are done. */
export function printAdversarialTable(title: string): DescribeAdversarialOptions["onRows"] {
  const rowsByLevel: Record<string, AdversarialRow[]> = {};
  afterAll(() => {
    console.log(`\n${title}\n\n${formatAdversarialTable(rowsByLevel)}`);
  });
  return (level, rows) => {
    rowsByLevel[level] = [...rows];
  };
}
