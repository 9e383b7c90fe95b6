import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ExecutionRequest, Executor, SandboxLevel, Verdict } from "@coderm/core";
import { createSqliteVerdictCache, withDeduplication, withVerdictCache } from "@coderm/executor";
import {
  adversarialAttacks,
  createAdversarialContext,
  runAdversarialSuite,
  sourceTwinPairs,
} from "@coderm/executor/testing";
import { describe, expect, it } from "vitest";
import { createLocalExecutor } from "./local-executor.js";

async function all(executor: Executor, requests: ExecutionRequest[]): Promise<Verdict[]> {
  const verdicts: Verdict[] = [];
  for await (const verdict of executor.execute(requests)) verdicts.push(verdict);
  return verdicts;
}

/** The statuses of each candidate's verdicts. */
function statuses(verdicts: readonly Verdict[]): Map<string, string[]> {
  const byCandidate = new Map<string, string[]>();
  for (const verdict of verdicts)
    byCandidate.set(verdict.candidateId, [
      ...(byCandidate.get(verdict.candidateId) ?? []),
      verdict.status,
    ]);
  return byCandidate;
}

describe("source twins through the wrappers", () => {
  it("give the wrong twin its own verdicts in one run and again from the verdict cache", async () => {
    const path = join(await mkdtemp(join(tmpdir(), "coderm-twins-")), "verdicts.sqlite");
    const pairs = sourceTwinPairs();
    const wrapped = () =>
      withVerdictCache(withDeduplication(createLocalExecutor({ workers: 2 })), {
        cache: createSqliteVerdictCache({ path }),
      });
    const check = (verdicts: readonly Verdict[]) => {
      const found = statuses(verdicts);
      for (const pair of pairs) {
        const right = found.get(pair.right.candidate.id) ?? [];
        const wrong = found.get(pair.wrong.candidate.id) ?? [];
        expect(right, pair.id).toEqual(pair.right.tests.map(() => "pass"));
        expect(wrong, pair.id).toHaveLength(pair.wrong.tests.length);
        expect(
          wrong.filter((status) => status === "pass"),
          pair.id,
        ).toEqual([]);
      }
    };
    // Right twins first, so that a shared key would hand their pass to the wrong ones.
    const cold = wrapped();
    check(
      await all(
        cold,
        pairs.flatMap((pair) => [pair.right, pair.wrong]),
      ),
    );
    // Every pair runs once: one right twin (all pairs share its text) and each wrong one.
    const pairCount = pairs[0]!.right.tests.length;
    expect(cold.stats).toMatchObject({
      executed: pairCount * (1 + pairs.length),
      deduplicated: pairCount * (pairs.length - 1),
    });
    await cold.close();
    const warm = wrapped();
    check(
      await all(
        warm,
        pairs.flatMap((pair) => [pair.wrong, pair.right]),
      ),
    );
    expect(warm.stats).toMatchObject({ executed: 0, cached: 2 * pairCount * pairs.length });
    await warm.close();
  }, 120_000);
});

describe.each(["process", "bwrap"] as const)(
  "source twins and normalizer bombs at sandbox level %s",
  (level: SandboxLevel) => {
    it("neither pass nor disturb honest candidates in their batch", async () => {
      const context = await createAdversarialContext({
        projectDir: fileURLToPath(new URL("../../..", import.meta.url)),
      });
      const executor = createLocalExecutor({ workers: 2, sandbox: level });
      try {
        const rows = await runAdversarialSuite(executor, {
          context,
          attacks: adversarialAttacks.filter(
            (attack) =>
              attack.category === "source-twins" || attack.category === "normalizer-bombs",
          ),
        });
        expect(rows.length).toBeGreaterThanOrEqual(10);
        for (const row of rows) expect(row.breached, `${row.id}: ${row.detail}`).toBe(false);
      } finally {
        await executor.close();
        await context.dispose();
      }
    }, 300_000);
  },
);
