export {
  createDockerExecutor,
  type DockerExecutor,
  type DockerExecutorSettings,
  dockerExecutorCapabilities,
} from "./docker-executor.js";
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
  type SandboxImage,
  type SandboxImageBuildOptions,
} from "./image.js";
