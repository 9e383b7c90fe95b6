import type { Output } from "./output.js";

/** What every command receives: where to write, and the exit code it wants to end with. */
export interface CommandContext {
  output: Output;
  /** Set by a command whose work ran but failed (a dataset that does not verify, say). */
  exitCode: number;
}
