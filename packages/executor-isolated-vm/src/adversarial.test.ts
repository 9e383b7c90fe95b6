import { fileURLToPath } from "node:url";
import { describeJavaScriptAdversarialSuite } from "@coderm/executor/testing";
import { createIsolatedVmExecutor } from "./isolated-vm-executor.js";

describeJavaScriptAdversarialSuite(
  "isolated-vm",
  async () => {
    const executor = createIsolatedVmExecutor({ workers: 2 });
    await executor.fingerprint();
    return executor;
  },
  {
    projectDir: fileURLToPath(new URL("../../..", import.meta.url)),
    title: "JavaScript adversarial suite against the isolated-vm executor",
  },
);
