import { fileURLToPath } from "node:url";
import type { SandboxLevel } from "@coderm/core";
import { describeAdversarialSuite, printAdversarialTable } from "@coderm/executor/testing";
import { createLocalExecutor, localExecutorCapabilities } from "./local-executor.js";

describeAdversarialSuite(
  localExecutorCapabilities.sandboxLevels,
  async (level) => {
    const executor = createLocalExecutor({
      workers: 2,
      sandbox: level as SandboxLevel,
      // Small host limits: a limit that fails to apply cannot hurt the shared host.
      hostLimits: { memoryBytes: 512 * 1024 * 1024, pids: 256, workDirBytes: 128 * 1024 * 1024 },
    });
    await executor.fingerprint();
    return executor;
  },
  {
    projectDir: fileURLToPath(new URL("../../..", import.meta.url)),
    onRows: printAdversarialTable("Adversarial suite against the local executor"),
  },
);
