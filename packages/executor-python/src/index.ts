export {
  type CpuSlotsSettings,
  createLocalExecutor,
  type LocalExecutor,
  type LocalExecutorSettings,
  localExecutorCapabilities,
} from "./local-executor.js";
