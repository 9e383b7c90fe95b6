import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ExecutionRequest, UnitTest } from "@coderm/core";
import {
  type AdversarialContext,
  adversarialAttacks,
  collect,
  doublingTests,
  request,
} from "@coderm/executor/testing";
import { describe, expect, it } from "vitest";
import { createLocalExecutor } from "./local-executor.js";

/**
 * Issue 15, classes 5-8: no sample can stop or poison a run. One batch mixes every hostile sample
 * of those classes (programs the normalizer cannot dump, working directories that are hard to
 * empty, values costly to decode, exceptions costly to format) with honest candidates, right and
 * wrong; then a new executor starts on the same machine beside a stale directory that is hard to
 * remove.
 */

const hostileCategories = new Set([
  "normalizer-bombs",
  "cleanup-bombs",
  "decode-bombs",
  "format-bombs",
]);

const tests: UnitTest[] = [...doublingTests];

/** Honest candidates: `right-<n>` pass every test, `wrong-<n>` fail every test. */
function honest(prefix: string, count: number): { request: ExecutionRequest; expected: string }[] {
  return Array.from({ length: count }, (_, index) => {
    const right = index % 2 === 0;
    return {
      expected: right ? "pass" : "fail",
      request: request(
        `${prefix}-${right ? "right" : "wrong"}-${index}`,
        `def f(x):\n    return ${right ? "2 * x" : "x + 1"} + ${index} * 0\n`,
        tests,
      ),
    };
  });
}

/** The hostile samples' requests (those that need no adversarial context). */
function hostileRequests(): ExecutionRequest[] {
  return adversarialAttacks
    .filter((attack) => hostileCategories.has(attack.category) && attack.request.length === 0)
    .map((attack) => attack.request(undefined as unknown as AdversarialContext));
}

/** Leaves the directory of a dead harness process with a 3,000-deep chain in it. */
function plantStaleDirectory(): string {
  const base = join(tmpdir(), `coderm-harness-${2 ** 22 - 7}-planted`);
  const made = spawnSync(
    "python3",
    [
      "-c",
      "import os, sys\nos.makedirs(sys.argv[1] + '/work', exist_ok=True)\nos.chdir(sys.argv[1] + '/work')\nfor _ in range(3000):\n    os.mkdir('d')\n    os.chdir('d')\nos.chmod('.', 0)\n",
      base,
    ],
    { encoding: "utf8" },
  );
  expect(made.status, made.stderr).toBe(0);
  return base;
}

describe("hostile samples in a run", () => {
  it("leave every other sample its verdicts, and the next executor working", async () => {
    const hostile = hostileRequests();
    expect(hostile.length).toBeGreaterThanOrEqual(12);
    const before = honest("before", 6);
    const after = honest("after", 6);
    // honest candidates on both sides of the hostile ones, so that each worker gets some after
    const batch = before.map((entry) => entry.request);
    for (const [index, hostileRequest] of hostile.entries()) {
      batch.push(hostileRequest);
      const honestAfter = after[index];
      if (honestAfter !== undefined) batch.push(honestAfter.request);
    }
    const executor = createLocalExecutor({ workers: 2 });
    let verdicts: Awaited<ReturnType<typeof collect>>;
    try {
      verdicts = await collect(executor, batch);
    } finally {
      await executor.close();
    }
    for (const candidate of batch)
      for (const test of candidate.tests)
        expect(
          verdicts.has(`${candidate.candidate.id}/${test.id}`),
          `${candidate.candidate.id}/${test.id}`,
        ).toBe(true);
    for (const entry of [...before, ...after])
      for (const test of tests) {
        const verdict = verdicts.get(`${entry.request.candidate.id}/${test.id}`);
        expect(
          verdict?.status,
          `${entry.request.candidate.id}/${test.id}: ${verdict?.message}`,
        ).toBe(entry.expected);
      }
    for (const hostileRequest of hostile)
      for (const test of hostileRequest.tests)
        expect(verdicts.get(`${hostileRequest.candidate.id}/${test.id}`)?.status).not.toBe("pass");

    // a new executor on the same machine, beside a stale directory that is hard to remove
    const stale = plantStaleDirectory();
    const next = createLocalExecutor({ workers: 2 });
    try {
      const again = honest("again", 4);
      const nextVerdicts = await collect(
        next,
        again.map((entry) => entry.request),
      );
      for (const entry of again)
        for (const test of tests)
          expect(nextVerdicts.get(`${entry.request.candidate.id}/${test.id}`)?.status).toBe(
            entry.expected,
          );
    } finally {
      await next.close();
      spawnSync("chmod", ["-R", "u+rwx", stale]);
      spawnSync("rm", ["-rf", stale]);
    }
  }, 600_000);
});
