// The Python harness family's internals, for backends built on the harness (executor-docker):
// the wire protocol, the handshake, and the executor core. Not for applications.
export {
  attachHarness,
  type HarnessAttachment,
  type HarnessAttachSettings,
  type HarnessTransport,
} from "./attach-harness.js";
export { encodeFrame, FrameDecoder, maxFrameBytes } from "./framing.js";
export {
  type HarnessArchive,
  type HarnessLocation,
  harnessArchive,
  harnessArchiveName,
  harnessLocation,
} from "./harness-asset.js";
export {
  createHarnessExecutor,
  type HarnessExecutor,
  type HarnessExecutorSettings,
  type HarnessProcessSupply,
} from "./harness-executor.js";
export type {
  HarnessExit,
  HarnessFrame,
  HarnessProcess,
  HarnessReady,
  HarnessResult,
} from "./harness-protocol.js";
