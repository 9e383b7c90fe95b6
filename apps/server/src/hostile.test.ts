import type { UnitTest } from "@coderm/core";
import {
  type AdversarialCategory,
  type AdversarialEnvironment,
  adversarialAttacks,
  createAdversarialContext,
} from "@coderm/executor/testing";
import { type OpenedExecutor, openExecutor } from "@coderm/pipeline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRewardServer, type RewardServer } from "./server.js";

// The attacks that try to pass a test they fail: each is sent through every route that rewards.
const cheating: ReadonlySet<AdversarialCategory> = new Set([
  "early-exit",
  "output-forgery",
  "monkeypatch",
  "comparison",
  "expected-leak",
  "forged-names",
  "membership",
  "borrowed-helpers",
]);

let opened: OpenedExecutor;
let server: RewardServer;
let context: AdversarialEnvironment;

beforeAll(async () => {
  context = await createAdversarialContext();
  opened = await openExecutor({ workers: 2, cache: false });
  // the attacks' own tightest limits: some answer right only after 300 ms, which is not a cheat
  // under a longer limit
  server = await createRewardServer({
    executor: opened,
    logLevel: "silent",
    limits: { timeMs: 300, memoryMb: 256, outputBytes: 4096 },
  });
});
afterAll(async () => {
  await server.close(0);
  await opened.close();
  await context.dispose();
});

/** A test as a `/v1/reward` inline test, where its kind has an inline form. */
function inline(test: UnitTest): unknown {
  switch (test.kind) {
    case "assert":
    case "unittest":
      return { kind: test.kind, code: test.code };
    case "call":
      return test.oracle === undefined && test.convention === undefined
        ? { kind: "call", fn: test.entryPoint, args: test.args, expected: test.expected }
        : undefined;
    case "stdio":
      return test.expectedStdout === undefined
        ? undefined
        : { kind: "stdio", stdin: test.stdin, stdout: test.expectedStdout };
    default:
      return undefined;
  }
}

const attacks = adversarialAttacks.filter((attack) => cheating.has(attack.category));
const post = async (url: string, payload: unknown) =>
  (await server.app.inject({ method: "POST", url, payload: payload as object })).json();

describe("hostile responses through the service", () => {
  it("gives none of the executor's cheating attacks a reward through /v1/reward", async () => {
    expect(attacks.length).toBeGreaterThan(20);
    const items = attacks.flatMap((attack) => {
      const request = attack.request(context);
      const tests = request.tests.map(inline).filter((test) => test !== undefined);
      return tests.length === 0
        ? []
        : [
            {
              id: attack.id,
              response: `\`\`\`python\n${request.candidate.code}\n\`\`\``,
              tests,
              shaping: "pass-ratio",
            },
          ];
    });
    const { results } = await post("/v1/reward", { items });
    const rewarded = results.filter(
      (result: { reward: number | null }) => (result.reward ?? 0) > 0,
    );
    expect(rewarded.map((result: { id: string }) => result.id)).toEqual([]);
    expect(results.length).toBe(items.length);
  }, 300_000);

  it("gives none of them CodeRM-NT's execution reward, and forges no stdout through /run_code", async () => {
    for (const attack of attacks) {
      const request = attack.request(context);
      for (const test of request.tests) {
        if (test.kind === "assert") {
          const answer = await post("/execute", {
            question: "",
            response: `\`\`\`python\n${request.candidate.code}\n\`\`\``,
            code: test.code,
          });
          expect({ attack: attack.id, ...answer }).toEqual({ attack: attack.id, rewards: 0 });
        }
        if (test.kind === "stdio" && test.expectedStdout !== undefined) {
          const answer = await post("/run_code", {
            code: request.candidate.code,
            language: "python",
            stdin: test.stdin,
          });
          const forged =
            answer.status === "Success" &&
            answer.run_result.stdout.trim() === test.expectedStdout.trim();
          expect({ attack: attack.id, forged }).toEqual({ attack: attack.id, forged: false });
        }
      }
    }
  }, 300_000);
});
