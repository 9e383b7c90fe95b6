import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMockExecutor } from "@coderm/core/testing";
import { createRoutingExecutor } from "./routing-executor.js";
import { createSqliteVerdictCache } from "./sqlite-verdict-cache.js";
import {
  assertTest,
  type ConformanceFixtures,
  describeExecutorConformance,
} from "./testing/conformance.js";
import { withDeduplication } from "./with-deduplication.js";
import { withVerdictCache } from "./with-verdict-cache.js";

/**
 * A language the mock speaks: a test passes when the program contains its code; a program
 * starting with `slow` takes half a second a test.
 */
const mockFixtures: ConformanceFixtures = {
  language: "python",
  program: "ok",
  passingTest: assertTest("t-pass", "ok"),
  failingTest: assertTest("t-fail", "not ok"),
  slowProgram: (index) => `slow ${index}`,
  slowTest: assertTest("t-slow", "never"),
  cases: [],
};

const mock = () =>
  createRoutingExecutor({
    python: createMockExecutor({
      judge: async (candidate, test) => {
        if (candidate.code.startsWith("slow"))
          await new Promise((resolve) => setTimeout(resolve, 500));
        return test.kind === "assert" && candidate.code.includes(test.code) ? "pass" : "fail";
      },
    }),
  });

describeExecutorConformance("routed mock", async () => mock(), mockFixtures);
describeExecutorConformance(
  "deduplicated mock",
  async () => withDeduplication(mock()),
  mockFixtures,
);
describeExecutorConformance(
  "cached, deduplicated mock",
  async () =>
    withVerdictCache(withDeduplication(mock()), {
      cache: createSqliteVerdictCache({
        path: join(await mkdtemp(join(tmpdir(), "coderm-cache-")), "verdicts.sqlite"),
      }),
    }),
  mockFixtures,
);
describeExecutorConformance(
  "routed to cached mock",
  async () =>
    createRoutingExecutor([
      withVerdictCache(mock(), {
        cache: createSqliteVerdictCache({
          path: join(await mkdtemp(join(tmpdir(), "coderm-cache-")), "verdicts.sqlite"),
        }),
      }),
    ]),
  mockFixtures,
);
