export { createProgram, runCli } from "./program.js";
export { createProgress, type Progress, type ProgressOptions } from "./progress.js";
