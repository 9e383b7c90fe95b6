import type { Executor } from "@coderm/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatAdversarialTable } from "./adversarial.js";
import type { AdversarialRow } from "./attack-outcome.js";
import { collect } from "./conformance.js";
import {
  createJavaScriptAdversarialContext,
  type JavaScriptAdversarialEnvironment,
  javascriptAdversarialAttacks,
  runJavaScriptAdversarialSuite,
} from "./javascript-adversarial.js";
import { request } from "./javascript-attacks/helpers.js";

/** Options of {@link describeJavaScriptAdversarialSuite}. */
export interface DescribeJavaScriptAdversarialOptions {
  /** The repository root, which gets the run's secret file (under a gitignored name). */
  projectDir: string;
  /** A title for the table of rows printed once the file's tests are done; none is printed without it. */
  title?: string;
}

/**
 * The JavaScript adversarial suite as vitest tests, for any executor that runs JavaScript: one
 * test per attack (fails on a pass or a breach), then a check that the executor still judges
 * honest and wrong candidates on every worker. `create` is called after the context exists, so
 * the secret it puts in `process.env` is there when the executor starts; it should start two
 * workers.
 */
export function describeJavaScriptAdversarialSuite(
  name: string,
  create: () => Promise<Executor>,
  options: DescribeJavaScriptAdversarialOptions,
): void {
  describe(`${name}: JavaScript adversarial suite`, () => {
    let context: JavaScriptAdversarialEnvironment;
    let executor: Executor;
    const rows = new Map<string, AdversarialRow>();

    beforeAll(async () => {
      context = await createJavaScriptAdversarialContext({ projectDir: options.projectDir });
      executor = await create();
      for (const row of await runJavaScriptAdversarialSuite(executor, { context }))
        rows.set(row.id, row);
    }, 900_000);

    afterAll(async () => {
      if (options.title !== undefined && rows.size > 0)
        console.log(
          `\n${options.title}\n\n${formatAdversarialTable({ [name]: [...rows.values()] })}`,
        );
      await executor?.close();
      await context?.dispose();
    });

    for (const attack of javascriptAdversarialAttacks) {
      it(`${attack.id} (${attack.category}) neither passes nor breaches`, () => {
        const row = rows.get(attack.id);
        expect(row, "the attack ran").toBeDefined();
        expect(row!.breached, row!.detail).toBe(false);
      });
    }

    it("still judges honest and wrong candidates on every worker afterwards", async () => {
      const tests = [
        {
          id: "t",
          problemId: "adversarial-javascript",
          kind: "assert" as const,
          code: "assert.strictEqual(f(21), 42)",
        },
      ];
      const verdicts = await collect(executor, [
        request("wrong-0", "function f(x) { return x; }", tests),
        request("wrong-1", "function f(x) { return x + 1; }", tests),
        request("honest-0", "function f(x) { return 2 * x; }", tests),
        request("honest-1", "function f(x) { return x + x; }", tests),
      ]);
      for (const id of ["wrong-0", "wrong-1"])
        expect(verdicts.get(`${id}/t`)?.status, id).toBe("fail");
      for (const id of ["honest-0", "honest-1"])
        expect(verdicts.get(`${id}/t`)?.status, id).toBe("pass");
    });
  });
}
