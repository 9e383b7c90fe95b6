export {
  createDockerExecutor,
  type DockerExecutor,
  type DockerExecutorSettings,
} from "./docker-executor.js";
export type { ContainerSpec } from "./docker-worker.js";
export {
  type DockerEndpoint,
  defaultEndpoint,
  type ResolvedEndpoint,
  resolveEndpoint,
} from "./endpoints.js";
export {
  buildSandboxImage,
  checkSandboxImage,
  defaultSandboxImage,
  harnessDigest,
  imageHarnessPath,
  imagePythonPath,
  onlineBaseImage,
  type SandboxImage,
  type SandboxImageBuildOptions,
  sandboxImageLabel,
} from "./image.js";
