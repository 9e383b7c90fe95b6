import {
  assertTest,
  collect,
  describeExecutorConformance,
  pythonConformanceFixtures,
  request,
} from "@coderm/executor/testing";
import { createLocalExecutor } from "@coderm/executor-python";
import Docker from "dockerode";
import { describe, expect, it } from "vitest";
import { createDockerExecutor } from "./docker-executor.js";
import { startTestEngine, testEngine } from "./testing/engine.js";

const engine = testEngine();
const docker = new Docker({ socketPath: engine.socketPath });

describeExecutorConformance(
  "docker",
  async () => {
    const executor = createDockerExecutor({
      endpoints: [engine.socketPath],
      image: engine.image,
      workers: 2,
    });
    await executor.fingerprint();
    return executor;
  },
  pythonConformanceFixtures,
);

/** Candidates with known verdicts: `good-i` pass every test, `bad-i` fail every test. */
function knownBatch(candidates: number, testCount: number) {
  const tests = Array.from({ length: testCount }, (_, index) =>
    assertTest(`t${index}`, `assert f(${index}) == ${index * 2 + 1}`),
  );
  return Array.from({ length: candidates }, (_, index) =>
    index % 2 === 0
      ? request(
          `good-${index}`,
          `import time\ndef f(x):\n    time.sleep(0.02)\n    return 2 * x + 1\n`,
          tests,
        )
      : request(
          `bad-${index}`,
          `import time\ndef f(x):\n    time.sleep(0.02)\n    return x\n`,
          tests,
        ),
  );
}

describe("docker executor", () => {
  it("runs harness processes in locked-down containers and reports where they run", async () => {
    const executor = createDockerExecutor({
      endpoints: [`unix://${engine.socketPath}`],
      image: engine.image,
      workers: 2,
    });
    try {
      await executor.fingerprint();
      expect(executor.placement).toEqual([{ endpoint: `unix://${engine.socketPath}`, workers: 2 }]);
      expect(executor.confinement[0]).toBe("docker");
      const containers = await docker.listContainers({
        filters: { label: ["org.coderm.owner"] },
      });
      expect(containers.length).toBeGreaterThanOrEqual(2);
      const inspected = await docker.getContainer(containers[0]!.Id).inspect();
      expect(inspected.HostConfig.NetworkMode).toBe("none");
      expect(inspected.HostConfig.ReadonlyRootfs).toBe(true);
      expect(inspected.HostConfig.CapDrop).toEqual(["ALL"]);
      expect(inspected.HostConfig.SecurityOpt).toContain("no-new-privileges");
      expect(inspected.Config.User).toBe("65534:65534");
      expect(inspected.Mounts).toEqual([]);
      const verdicts = await collect(executor, [
        request(
          "net",
          "import socket\ndef f():\n    socket.create_connection(('1.1.1.1', 53), 1)\n    return 1\n",
          [assertTest("t", "assert f() == 1")],
        ),
      ]);
      expect(verdicts.get("net/t")?.status).toBe("error");
    } finally {
      await executor.close();
    }
    const left = await docker.listContainers({
      all: true,
      filters: { label: ["org.coderm.owner"] },
    });
    expect(left).toEqual([]);
  });

  it("gives the local executor's verdicts, pair by pair", async () => {
    const batch = [
      ...knownBatch(6, 4),
      request(
        "mixed",
        "def f(x):\n    if x == 3:\n        raise ValueError(x)\n    while x == 5:\n        pass\n    return [x, (x,), {x: x}]\n",
        [
          assertTest("a", "assert f(1) == [1, (1,), {1: 1}]"),
          assertTest("b", "assert f(3) == 3"),
          assertTest("c", "assert f(5) == 5"),
          {
            id: "d",
            problemId: "p",
            kind: "call",
            entryPoint: "f",
            args: [2],
            expected: [2, [2], { $dict: [[2, 2]] }],
          },
        ],
      ),
    ];
    const local = createLocalExecutor({ workers: 2 });
    const remote = createDockerExecutor({
      endpoints: [engine.socketPath],
      image: engine.image,
      workers: 2,
    });
    try {
      const [a, b] = [await collect(local, batch), await collect(remote, batch)];
      expect(b.size).toBe(a.size);
      for (const [key, verdict] of a) expect(b.get(key)?.status, key).toBe(verdict.status);
    } finally {
      await local.close();
      await remote.close();
    }
  });

  it("loses no verdict when a container is killed from outside mid-batch", async () => {
    const executor = createDockerExecutor({
      endpoints: [engine.socketPath],
      image: engine.image,
      workers: 2,
    });
    try {
      await executor.fingerprint();
      const batch = knownBatch(24, 6);
      const running = collect(executor, batch);
      await new Promise((resolve) => setTimeout(resolve, 800));
      const before = await docker.listContainers({ filters: { label: ["org.coderm.owner"] } });
      await docker.getContainer(before[0]!.Id).kill();
      const verdicts = await running;
      expect(verdicts.size).toBe(24 * 6);
      for (const [key, verdict] of verdicts)
        expect(verdict.status, key).toBe(key.startsWith("good") ? "pass" : "fail");
      // the killed container is replaced by a fresh one
      let after = await docker.listContainers({ filters: { label: ["org.coderm.owner"] } });
      for (let wait = 0; after.length < 2 && wait < 100; wait++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        after = await docker.listContainers({ filters: { label: ["org.coderm.owner"] } });
      }
      expect(after.map((info) => info.Id)).not.toContain(before[0]!.Id);
      expect(after).toHaveLength(2);
    } finally {
      await executor.close();
    }
  });

  it("names the endpoint and the fix when a daemon does not answer", async () => {
    const executor = createDockerExecutor({
      endpoints: ["unix:///nonexistent/docker.sock"],
      image: engine.image,
    });
    await expect(executor.fingerprint()).rejects.toThrow(
      /cannot reach the Docker daemon at unix:\/\/\/nonexistent\/docker\.sock[\s\S]*Start dockerd/,
    );
    await executor.close();
  });

  it("names the image and the fix when the image is missing", async () => {
    const executor = createDockerExecutor({
      endpoints: [engine.socketPath],
      image: "coderm-sandbox:does-not-exist",
    });
    await expect(executor.fingerprint()).rejects.toThrow(
      /coderm-sandbox:does-not-exist[\s\S]*buildSandboxImage/,
    );
    await executor.close();
  });

  it("keeps running when a daemon goes away mid-batch: its work moves to the others", async () => {
    const second = await startTestEngine();
    const executor = createDockerExecutor({
      endpoints: [engine.socketPath, second.socketPath],
      image: engine.image,
      workers: 2,
    });
    try {
      await executor.fingerprint();
      expect(executor.placement.map((entry) => entry.workers)).toEqual([1, 1]);
      const running = collect(executor, knownBatch(24, 6));
      await new Promise((resolve) => setTimeout(resolve, 800));
      await second.stop();
      const verdicts = await running;
      expect(verdicts.size).toBe(24 * 6);
      for (const [key, verdict] of verdicts)
        expect(verdict.status, key).toBe(key.startsWith("good") ? "pass" : "fail");
    } finally {
      await executor.close();
      await second.stop();
    }
  }, 120_000);

  it("spreads workers over several endpoints by capacity", async () => {
    const executor = createDockerExecutor({
      endpoints: [
        { url: engine.socketPath, workers: 1 },
        { url: `unix://${engine.socketPath}`, workers: 3 },
      ],
      image: engine.image,
    });
    try {
      await executor.fingerprint();
      expect(executor.placement).toEqual([
        { endpoint: `unix://${engine.socketPath}`, workers: 1 },
        { endpoint: `unix://${engine.socketPath}`, workers: 3 },
      ]);
      const verdicts = await collect(executor, knownBatch(8, 2));
      expect([...verdicts.values()].filter((verdict) => verdict.status === "pass")).toHaveLength(8);
    } finally {
      await executor.close();
    }
  });
});
