import { randomUUID } from "node:crypto";
import { CodermError, type ExecutorCapabilities, unitTestKinds } from "@coderm/core";
import {
  createHarnessExecutor,
  type HarnessExecutor,
  type HarnessExecutorSettings,
} from "@coderm/executor-python/internal";
import { type ContainerSpec, startDockerHarnessProcess } from "./docker-harness-process.js";
import {
  type DockerEndpoint,
  defaultEndpoint,
  endpointCapacity,
  type ResolvedEndpoint,
  resolveEndpoint,
} from "./endpoints.js";
import {
  checkSandboxImage,
  defaultSandboxImage,
  imageHarnessPath,
  imagePythonPath,
} from "./image.js";

/** Settings of {@link createDockerExecutor}. */
export interface DockerExecutorSettings extends Pick<HarnessExecutorSettings, "watchdogGraceMs"> {
  /**
   * Docker daemons to run on; work is spread by their capacity (CPU count, or `workers` of an
   * endpoint) and moves to the others when one goes away. Default: `DOCKER_HOST`, else the local
   * socket.
   */
  endpoints?: readonly DockerEndpoint[];
  /** Harness processes (one container each) in all; default: the endpoints' capacity. */
  workers?: number;
  /** The sandbox image; default `coderm-sandbox:<harness digest>`, the name `buildSandboxImage` gives it. */
  image?: string;
  /** Memory limit of each container in MiB (4096). Each candidate also gets its `memoryMb`. */
  containerMemoryMb?: number;
  /** Processes and threads a container may hold (512). */
  pidsLimit?: number;
  /** Size of each container's tmpfs `/tmp` in MiB (512). */
  tmpfsMb?: number;
}

/**
 * The Docker executor: the Python harness in containers. Besides core's `Executor` it has
 * `confinement` and `placement` (for reports).
 */
export type DockerExecutor = HarnessExecutor & {
  /** Where the harness processes run: each endpoint with its count (after the start). */
  readonly placement: readonly { endpoint: string; workers: number }[];
};

/** What the Docker executor runs: Python, every test kind, at the `docker` level. */
export const dockerExecutorCapabilities: ExecutorCapabilities = {
  languages: ["python"],
  testKinds: unitTestKinds,
  sandboxLevels: ["docker"],
};
const capabilities = dockerExecutorCapabilities;

/**
 * Creates the Docker executor: the local executor's harness and verdicts, with a pool of
 * long-lived containers on one or several Docker daemons. A container that dies or hangs is
 * replaced (on its own daemon, else on another) and its in-flight tests are retried once in the
 * fresh one, then reported. It refuses to start (`fingerprint()` rejects), naming the endpoint or
 * image and the fix, when a daemon does not answer or the image is missing or was built for
 * another harness. Like the local executor it is a bare backend: compose
 * `withVerdictCache(withDeduplication(executor))` from `@coderm/executor` for caching.
 */
export function createDockerExecutor(settings: DockerExecutorSettings = {}): DockerExecutor {
  const {
    endpoints: wanted,
    workers,
    image,
    containerMemoryMb,
    pidsLimit,
    tmpfsMb,
    ...options
  } = settings;
  const owner = `coderm-${randomUUID()}`;
  let placement: { endpoint: string; workers: number }[] = [];
  let connected: ResolvedEndpoint[] = [];
  const executor = createHarnessExecutor({
    ...options,
    name: "docker",
    capabilities,
    sandbox: "docker",
    async startProcesses() {
      connected = (wanted ?? [defaultEndpoint()]).map(resolveEndpoint);
      if (connected.length === 0)
        throw new CodermError("invalid-input", "no Docker endpoints given", { field: "endpoints" });
      const capacity = await Promise.all(connected.map(endpointCapacity));
      const spec: ContainerSpec = {
        image: image ?? (await defaultSandboxImage()),
        harnessPath: imageHarnessPath,
        pythonPath: imagePythonPath,
        memoryMb: containerMemoryMb ?? 4096,
        pidsLimit: pidsLimit ?? 512,
        tmpfsMb: tmpfsMb ?? 512,
        startTimeoutMs: 60_000,
        owner,
      };
      await Promise.all(
        connected.map((endpoint) => checkSandboxImage(endpoint.docker, spec.image, endpoint.label)),
      );
      const total = capacity.reduce((sum, count) => sum + count, 0);
      const size = workers ?? total;
      if (!(Number.isInteger(size) && size >= 1))
        throw new CodermError(
          "invalid-input",
          `workers must be a whole number of at least 1, got ${size}`,
          { field: "workers" },
        );
      // Slot i lives on the endpoint whose share of the capacity it falls in.
      const home = Array.from({ length: size }, (_, slot) => {
        let position = ((slot + 0.5) * total) / size;
        for (const [index, count] of capacity.entries()) {
          if (position < count) return index;
          position -= count;
        }
        return capacity.length - 1;
      });
      placement = connected.map((endpoint, index) => ({
        endpoint: endpoint.label,
        workers: home.filter((where) => where === index).length,
      }));
      const down = new Set<number>();
      return {
        size,
        // A slot's process starts on its own daemon; when that fails, on the others in turn.
        async start(slot: number) {
          const order = [home[slot]!, ...connected.keys()].filter(
            (index, position, all) => all.indexOf(index) === position,
          );
          const tried = order.filter((index) => !down.has(index));
          let lastError: unknown;
          for (const index of tried.length > 0 ? tried : order) {
            const endpoint = connected[index]!;
            try {
              const started = await startDockerHarnessProcess(
                endpoint.docker,
                spec,
                endpoint.label,
              );
              down.delete(index);
              return started;
            } catch (error) {
              down.add(index);
              lastError = error;
            }
          }
          throw lastError;
        },
        async close() {
          await Promise.all(connected.map((endpoint) => removeOwned(endpoint, owner)));
        },
      };
    },
  });
  Object.defineProperty(executor, "placement", { get: () => placement, enumerable: true });
  return executor as DockerExecutor;
}

/** Removes the containers an executor left on an endpoint (they are killed with it anyway). */
async function removeOwned(endpoint: ResolvedEndpoint, owner: string): Promise<void> {
  try {
    const containers = await endpoint.docker.listContainers({
      all: true,
      filters: { label: [`org.coderm.owner=${owner}`] },
    });
    await Promise.all(
      containers.map((info) =>
        endpoint.docker
          .getContainer(info.Id)
          .remove({ force: true })
          .catch(() => {}),
      ),
    );
  } catch {
    // The daemon is gone: its containers went with it.
  }
}
