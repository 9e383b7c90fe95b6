import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalExecutor, type LocalExecutor } from "./local-executor.js";
import { sandboxLevels } from "./sandbox.js";
import {
  type AdversarialEnvironment,
  type AdversarialRow,
  adversarialAttacks,
  createAdversarialContext,
  formatAdversarialTable,
  runAdversarialSuite,
} from "./testing/adversarial.js";
import { assertTest, collect, request } from "./testing/conformance.js";

const projectDir = fileURLToPath(new URL("../../..", import.meta.url));
const rowsByLevel: Record<string, AdversarialRow[]> = {};

afterAll(() => {
  console.log(
    `\nAdversarial suite against the local executor\n\n${formatAdversarialTable(rowsByLevel)}`,
  );
});

describe.each(sandboxLevels)("adversarial suite at sandbox level %s", (level) => {
  let context: AdversarialEnvironment;
  let executor: LocalExecutor;
  const rows = new Map<string, AdversarialRow>();

  beforeAll(async () => {
    // The context puts its secret in process.env, so it must exist before the executor does.
    context = await createAdversarialContext({ projectDir });
    executor = createLocalExecutor({ cache: false, workers: 2, sandbox: level });
    await executor.start();
    rowsByLevel[level] = await runAdversarialSuite(executor, { context });
    for (const row of rowsByLevel[level]) rows.set(row.id, row);
  }, 600_000);

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
