import {
  describeExecutorConformance,
  javascriptConformanceFixtures,
} from "@coderm/executor/testing";
import { createIsolatedVmExecutor } from "./isolated-vm-executor.js";

describeExecutorConformance(
  "isolated-vm",
  async () => createIsolatedVmExecutor({ workers: 2 }),
  javascriptConformanceFixtures,
);
