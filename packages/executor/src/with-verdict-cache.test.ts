import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type ExecutionRequest,
  type Executor,
  starvedErrorType,
  type UnitTest,
  type Verdict,
} from "@coderm/core";
import { createMockExecutor, type MockExecutor } from "@coderm/core/testing";
import { describe, expect, it } from "vitest";
import { createSqliteVerdictCache } from "./sqlite-verdict-cache.js";
import { assertTest, request as conformanceRequest } from "./testing/conformance.js";
import type { VerdictCache } from "./verdict-cache.js";
import { withDeduplication } from "./with-deduplication.js";
import { withVerdictCache } from "./with-verdict-cache.js";

const limits = { timeMs: 1000, memoryMb: 256, outputBytes: 1000 };
const test = (id: string, code = `assert f() == "${id}"`): UnitTest => assertTest(id, code);
const request = (id: string, code: string, tests: UnitTest[]): ExecutionRequest =>
  conformanceRequest(id, code, tests, limits);

/** A mock that passes a test when the candidate's code contains the test's id. */
function judgeByContent(settings: { fingerprint?: string } = {}): MockExecutor {
  return createMockExecutor({
    ...settings,
    judge: (candidate, unitTest) => (candidate.code.includes(unitTest.id) ? "pass" : "fail"),
  });
}

async function all(executor: Executor, requests: ExecutionRequest[]): Promise<Verdict[]> {
  const verdicts: Verdict[] = [];
  for await (const verdict of executor.execute(requests)) verdicts.push(verdict);
  return verdicts;
}

async function cachePath(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), "coderm-cache-")), "verdicts.sqlite");
}

describe("withVerdictCache", () => {
  it("answers a rerun from the cache, marked cached, and asks the backend for nothing", async () => {
    const path = await cachePath();
    const batch = [
      request("c1", "a b", [test("a"), test("b"), test("c")]),
      request("c2", "c", [test("a"), test("c")]),
    ];
    const first = judgeByContent();
    const cold = withVerdictCache(first, { cache: createSqliteVerdictCache({ path }) });
    const coldVerdicts = await all(cold, batch);
    expect(coldVerdicts).toHaveLength(5);
    expect(coldVerdicts.some((verdict) => verdict.cached)).toBe(false);
    expect(cold.stats).toMatchObject({ executed: 5, cached: 0, deduplicated: 0 });
    expect(cold.stats.byStatus).toMatchObject({ pass: 3, fail: 2 });
    await cold.close();
    expect(first.closed).toBe(true);

    const second = judgeByContent();
    const warm = withVerdictCache(second, { cache: createSqliteVerdictCache({ path }) });
    const warmVerdicts = await all(warm, batch);
    expect(warmVerdicts).toHaveLength(5);
    expect(warmVerdicts.every((verdict) => verdict.cached === true)).toBe(true);
    const statuses = Object.fromEntries(
      warmVerdicts.map((verdict) => [`${verdict.candidateId}/${verdict.testId}`, verdict.status]),
    );
    expect(statuses).toEqual({
      "c1/a": "pass",
      "c1/b": "pass",
      "c1/c": "fail",
      "c2/a": "fail",
      "c2/c": "pass",
    });
    expect(second.requests).toHaveLength(0);
    expect(warm.stats).toMatchObject({ executed: 0, cached: 5 });
    await warm.close();
  });

  it("forwards only the missing tests, one request per candidate, under any candidate id", async () => {
    const backend = judgeByContent();
    const executor = withVerdictCache(backend, {
      cache: createSqliteVerdictCache({ path: await cachePath() }),
    });
    await all(executor, [request("first", "a", [test("a"), test("b")])]);
    const verdicts = await all(executor, [
      request("other-id", "a", [test("a"), test("b"), test("c"), test("d")]),
    ]);
    expect(verdicts.map((verdict) => verdict.candidateId)).toEqual(Array(4).fill("other-id"));
    expect(backend.requests).toHaveLength(2);
    expect(backend.requests[1]!.tests.map((unitTest) => unitTest.id)).toEqual(["c", "d"]);
    expect(executor.stats).toMatchObject({ executed: 4, cached: 2 });
    await executor.close();
  });

  it("keys pairs by limits, language, fingerprint and test content, not by ids", async () => {
    const path = await cachePath();
    const first = withVerdictCache(judgeByContent(), { cache: createSqliteVerdictCache({ path }) });
    await all(first, [request("c", "a", [test("a")])]);
    // Another test id with the same content is the same test.
    const renamed = { ...test("a"), id: "renamed" };
    await all(first, [request("c", "a", [renamed])]);
    expect(first.stats.cached).toBe(1);
    await all(first, [{ ...request("c", "a", [test("a")]), limits: { ...limits, timeMs: 999 } }]);
    await all(first, [{ ...request("c", "a", [test("a")]), language: "javascript" }]);
    expect(first.stats).toMatchObject({ executed: 3, cached: 1 });
    await first.close();
    const other = withVerdictCache(judgeByContent({ fingerprint: "another runtime" }), {
      cache: createSqliteVerdictCache({ path }),
    });
    await all(other, [request("c", "a", [test("a")])]);
    expect(other.stats).toMatchObject({ executed: 1, cached: 0 });
    await other.close();
  });

  it("never answers a coverage request with a verdict without coverage, nor the reverse", async () => {
    const path = await cachePath();
    const coverage = { executable: [1, 2], covered: [1] };
    // A backend that records coverage when asked, as the Python harness does.
    const recording = () => createMockExecutor({ judge: () => ({ status: "pass", coverage }) });
    const open = (inner: Executor) =>
      withVerdictCache(inner, { cache: createSqliteVerdictCache({ path }) });
    const withoutCoverage = request("c", "a", [test("a")]);
    const withCoverage: ExecutionRequest = { ...withoutCoverage, coverage: true };

    const first = open(createMockExecutor());
    expect((await all(first, [withoutCoverage]))[0]).not.toHaveProperty("coverage");
    await first.close();
    const second = open(recording());
    const covered = [
      ...(await all(second, [withCoverage])),
      ...(await all(second, [withCoverage])),
    ];
    expect(second.stats).toMatchObject({ executed: 1, cached: 1 });
    for (const verdict of covered) expect(verdict.coverage).toEqual(coverage);
    await second.close();
    // Both are in the cache now, each under its own context; `coverage: false` is no coverage.
    const third = open(createMockExecutor());
    const [cachedPlain] = await all(third, [{ ...withoutCoverage, coverage: false }]);
    const [cachedCovered] = await all(third, [withCoverage]);
    expect(third.stats).toMatchObject({ executed: 0, cached: 2 });
    expect(cachedPlain).not.toHaveProperty("coverage");
    expect(cachedCovered?.coverage).toEqual(coverage);
    await third.close();

    // In flight too: a coverage request never waits for the same pair without coverage.
    const deduplicated = withDeduplication(recording());
    const both = await all(deduplicated, [withoutCoverage, withCoverage]);
    expect(deduplicated.stats).toMatchObject({ executed: 2, deduplicated: 0 });
    expect(both).toHaveLength(2);
    await deduplicated.close();
  });

  it("shares a cached verdict only between byte-identical programs", async () => {
    const path = await cachePath();
    // The backend sees comments and line numbers, as a program reading its own source does.
    const observant = () =>
      createMockExecutor({
        judge: (candidate) => (candidate.code.includes("#") ? "fail" : "pass"),
      });
    const twins = [
      request("right", "a = 1\n", [test("a")]),
      request("comment", "a = 1  # twin\n", [test("a")]),
      request("line", "\na = 1\n", [test("a")]),
    ];
    const cold = withVerdictCache(observant(), { cache: createSqliteVerdictCache({ path }) });
    const coldVerdicts = await all(cold, twins);
    expect(cold.stats).toMatchObject({ executed: 3, cached: 0 });
    await cold.close();
    const warm = withVerdictCache(observant(), { cache: createSqliteVerdictCache({ path }) });
    const warmVerdicts = await all(warm, [
      ...twins,
      // Only what the content id ignores, which executors never run, is shared.
      request("trailing", "a = 1\n\n  \n", [test("a")]),
    ]);
    expect(warm.stats).toMatchObject({ executed: 0, cached: 4 });
    await warm.close();
    for (const verdicts of [coldVerdicts, warmVerdicts]) {
      const status = (id: string) => verdicts.find((verdict) => verdict.candidateId === id)?.status;
      expect(status("right")).toBe("pass");
      expect(status("comment")).toBe("fail");
      expect(status("line")).toBe("pass");
    }
    expect(warmVerdicts.find((verdict) => verdict.candidateId === "trailing")?.status).toBe("pass");
  });

  it("counts the whole stack's work in the outermost wrapper", async () => {
    const backend = judgeByContent();
    const executor = withVerdictCache(withDeduplication(backend), {
      cache: createSqliteVerdictCache({ path: await cachePath() }),
    });
    const tests = [test("a"), test("b")];
    await all(executor, [
      request("1", "a", tests),
      request("2", "a", tests),
      request("3", "b", tests),
    ]);
    expect(executor.stats).toMatchObject({ executed: 4, cached: 0, deduplicated: 2 });
    await all(executor, [request("4", "a", tests)]);
    expect(executor.stats).toMatchObject({ executed: 4, cached: 2, deduplicated: 2 });
    expect(executor.stats.byStatus).toMatchObject({ pass: 4, fail: 4 });
    expect(backend.executed).toBe(4);
    await executor.close();
  });

  it("flushes after each execution and closes the cache with the executor", async () => {
    const calls: string[] = [];
    const store = createSqliteVerdictCache({ path: await cachePath() });
    const cache: VerdictCache = {
      lookup: (...args) => store.lookup(...args),
      put: (...args) => store.put(...args),
      flush: () => {
        calls.push("flush");
        store.flush();
      },
      close: () => {
        calls.push("close");
        store.close();
      },
    };
    const executor = withVerdictCache(judgeByContent(), { cache });
    await all(executor, [request("c", "a", [test("a")])]);
    expect(calls).toEqual(["flush"]);
    await executor.close();
    expect(calls).toEqual(["flush", "close"]);
    expect(() => executor.execute([])).toThrow(/closed/);
  });

  it("passes the backend's errors on", async () => {
    const executor = withVerdictCache(
      createMockExecutor({
        judge: () => {
          throw new Error("backend broke");
        },
      }),
      { cache: createSqliteVerdictCache({ path: await cachePath() }) },
    );
    await expect(all(executor, [request("c", "a", [test("a")])])).rejects.toThrow("backend broke");
    await executor.close();
  });

  describe("timeouts starved by machine load", () => {
    const starvedTimeout: Partial<Verdict> = {
      status: "timeout",
      errorType: starvedErrorType,
      wallMs: 3000,
      cpuMs: 300,
    };

    it("re-runs a starved timeout after the other pairs and caches the confirmed re-run", async () => {
      const path = await cachePath();
      const runs: string[] = [];
      let loaded = true;
      const backend = createMockExecutor({
        judge: (candidate, unitTest) => {
          runs.push(`${candidate.code}/${unitTest.id}`);
          if (candidate.code !== "slow") return "pass";
          // the honest program passes once the machine is quiet
          if (!loaded) return "pass";
          loaded = false; // the load goes away after the first timeout
          return starvedTimeout;
        },
      });
      const executor = withVerdictCache(backend, { cache: createSqliteVerdictCache({ path }) });
      const verdicts = await all(executor, [
        request("s", "slow", [test("t")]),
        request("q1", "quick", [test("t")]),
        request("q2", "quick 2", [test("t")]),
      ]);
      expect(verdicts.map((verdict) => `${verdict.candidateId}:${verdict.status}`)).toEqual([
        "q1:pass",
        "q2:pass",
        "s:pass",
      ]);
      expect(runs).toEqual(["slow/t", "quick/t", "quick 2/t", "slow/t"]);
      await executor.close();
      const warm = withVerdictCache(judgeByContent(), {
        cache: createSqliteVerdictCache({ path }),
      });
      const again = await all(warm, [request("s", "slow", [test("t")])]);
      expect(again).toMatchObject([{ status: "pass", cached: true }]);
      await warm.close();
    });

    it("delivers a timeout starved in every run uncached, so the next run tries again", async () => {
      const path = await cachePath();
      let executed = 0;
      const open = () =>
        withVerdictCache(
          createMockExecutor({
            judge: () => {
              executed += 1;
              return starvedTimeout;
            },
          }),
          { cache: createSqliteVerdictCache({ path }), confirmationRuns: 1 },
        );
      const first = open();
      const verdicts = await all(first, [request("s", "spin", [test("a"), test("b")])]);
      expect(
        verdicts.map((verdict) => [verdict.status, verdict.errorType, verdict.cached]),
      ).toEqual([
        ["timeout", "Starved", undefined],
        ["timeout", "Starved", undefined],
      ]);
      // one first run and one re-run: a starved (or forged) timeout costs one execution more
      expect(executed).toBe(4);
      await first.close();
      const second = open();
      await all(second, [request("s", "spin", [test("a"), test("b")])]);
      expect(executed).toBe(8);
      expect(second.stats.cached).toBe(0);
      await second.close();
    });

    it("re-runs twice by default", async () => {
      const backend = createMockExecutor({ judge: () => starvedTimeout });
      const executor = withVerdictCache(backend, {
        cache: createSqliteVerdictCache({ path: await cachePath() }),
      });
      await all(executor, [request("s", "spin", [test("a")])]);
      expect(backend.executed).toBe(3);
      await executor.close();
    });

    it("caches a timeout that was not starved at once, without a re-run", async () => {
      const path = await cachePath();
      const backend = createMockExecutor({
        judge: () => ({ status: "timeout", errorType: "Timeout", wallMs: 1000, cpuMs: 200 }),
      });
      const executor = withVerdictCache(backend, { cache: createSqliteVerdictCache({ path }) });
      await all(executor, [request("s", "spin", [test("a")])]);
      await all(executor, [request("s", "spin", [test("a")])]);
      expect(backend.executed).toBe(1);
      expect(executor.stats.cached).toBe(1);
      await executor.close();
    });

    it("keeps the order of an asynchronous request stream and ends once the re-runs are in", async () => {
      let calls = 0;
      const backend = createMockExecutor({
        judge: (candidate) => {
          calls += 1;
          return candidate.code === "slow" && calls === 1 ? starvedTimeout : "pass";
        },
      });
      const executor = withVerdictCache(backend, {
        cache: createSqliteVerdictCache({ path: await cachePath() }),
      });
      async function* requests() {
        yield request("s", "slow", [test("t")]);
        await new Promise((resolve) => setTimeout(resolve, 20));
        yield request("q", "quick", [test("t")]);
      }
      const verdicts: Verdict[] = [];
      for await (const verdict of executor.execute(requests())) verdicts.push(verdict);
      expect(verdicts.map((verdict) => `${verdict.candidateId}:${verdict.status}`)).toEqual([
        "q:pass",
        "s:pass",
      ]);
      await executor.close();
    });
  });
});
