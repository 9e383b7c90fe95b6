// Public API of @coderm/executor-isolated-vm: the factory, its settings and capabilities.
export {
  createIsolatedVmExecutor,
  type IsolatedVmExecutorSettings,
  isolatedVmExecutorCapabilities,
} from "./isolated-vm-executor.js";
