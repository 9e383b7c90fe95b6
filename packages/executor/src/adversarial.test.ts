import { fileURLToPath } from "node:url";
import { createLocalExecutor, type LocalExecutor } from "./local-executor.js";
import { type SandboxLevel, sandboxLevels } from "./sandbox.js";
import { describeAdversarialSuite, printAdversarialTable } from "./testing/describe-adversarial.js";

describeAdversarialSuite(
  sandboxLevels,
  async (level) => {
    const executor: LocalExecutor = createLocalExecutor({
      cache: false,
      workers: 2,
      sandbox: level as SandboxLevel,
    });
    await executor.start();
    return executor;
  },
  {
    projectDir: fileURLToPath(new URL("../../..", import.meta.url)),
    onRows: printAdversarialTable("Adversarial suite against the local executor"),
  },
);
