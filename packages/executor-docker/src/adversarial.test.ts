import { fileURLToPath } from "node:url";
import { describeAdversarialSuite, printAdversarialTable } from "@coderm/executor/testing";
import { createDockerExecutor } from "./docker-executor.js";
import { testEngine } from "./testing/engine.js";

describeAdversarialSuite(
  ["docker"],
  async () => {
    const engine = testEngine();
    const executor = createDockerExecutor({
      endpoints: [engine.socketPath],
      image: engine.image,
      workers: 2,
      // The same small limits as the local levels' suite (host-resources attacks exceed them).
      containerMemoryMb: 512,
      pidsLimit: 256,
      tmpfsMb: 128,
    });
    await executor.fingerprint();
    return executor;
  },
  {
    projectDir: fileURLToPath(new URL("../../..", import.meta.url)),
    onRows: printAdversarialTable("Adversarial suite against the docker executor"),
  },
);
