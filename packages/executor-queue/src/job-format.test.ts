import { CodermError, type Verdict } from "@coderm/core";
import { assertTest, request } from "@coderm/executor/testing";
import { describe, expect, it } from "vitest";
import {
  decodeFailure,
  decodeRequest,
  decodeVerdicts,
  encodeFailure,
  encodeRequest,
  encodeVerdicts,
} from "./job-format.js";
import { testSuite } from "./test-suites.js";
import { chooseFleetVersion, type QueueWorkerRecord } from "./worker-registry.js";

describe("the job format", () => {
  const tests = [assertTest("a", "assert f() == 1"), assertTest("b", "assert f() == 2")];

  it("carries a request and its verdicts exactly, big integers and NaN included", () => {
    const sent = { ...request("c", "def f():\n    return 1\n", tests), coverage: true };
    const received = decodeRequest(encodeRequest(sent), tests);
    expect(received).toEqual(sent);
    const verdicts: Verdict[] = [
      { candidateId: "x", testId: "0", status: "pass", wallMs: 1.5, cpuMs: 1, value: 2n ** 70n },
      { candidateId: "x", testId: "1", status: "fail", wallMs: 2, cpuMs: 2, value: Number.NaN },
    ];
    const result = JSON.parse(JSON.stringify(encodeVerdicts(verdicts)));
    expect(decodeVerdicts(result, sent, "job-1")).toEqual([
      { status: "pass", wallMs: 1.5, cpuMs: 1, value: 2n ** 70n, candidateId: "c", testId: "a" },
      { status: "fail", wallMs: 2, cpuMs: 2, value: Number.NaN, candidateId: "c", testId: "b" },
    ]);
    expect(() => decodeVerdicts({ verdicts: "[]" }, sent, "job-1")).toThrow(
      "job job-1 returned a malformed result: 0 verdicts for 2 tests",
    );
  });

  it("names a suite by its tests' content and order", () => {
    const suite = testSuite(tests);
    expect(testSuite([...tests]).id).toBe(suite.id);
    expect(testSuite([tests[1]!, tests[0]!]).id).not.toBe(suite.id);
    expect(JSON.parse(suite.text)).toEqual(tests);
  });

  it("brings a worker's CodermError back whole, and other reasons as unavailable", () => {
    const thrown = new CodermError("invalid-input", "bad execution request: expected a string", {
      item: "c7",
      field: "tests[0].code",
    });
    const back = decodeFailure(encodeFailure(thrown), "job-2", "c7");
    expect(back).toMatchObject({ code: "invalid-input", field: "tests[0].code", item: "c7" });
    expect(back.message).toBe(thrown.message);
    const stalled = decodeFailure("job stalled more than allowable limit", "job-3", "c8");
    expect(stalled).toMatchObject({ code: "unavailable", item: "c8" });
    expect(stalled.message).toContain(
      "job job-3 failed on its worker: job stalled more than allowable limit",
    );
  });

  it("sends jobs for the version most live workers run, the newest on a tie", () => {
    const worker = (id: string, fingerprint: string, startedAt: string, protocol = 1) =>
      ({ id, fingerprint, startedAt, protocol, draining: false }) as QueueWorkerRecord;
    expect(chooseFleetVersion([])).toBeUndefined();
    expect(
      chooseFleetVersion([
        worker("a", "old", "2026-01-01"),
        worker("b", "old", "2026-01-02"),
        worker("c", "new", "2026-01-03"),
      ])?.fingerprint,
    ).toBe("old");
    expect(
      chooseFleetVersion([worker("a", "old", "2026-01-01"), worker("c", "new", "2026-01-03")])
        ?.fingerprint,
    ).toBe("new");
    expect(chooseFleetVersion([worker("a", "future", "2026-01-01", 2)])).toBeUndefined();
  });
});
