import { defineLibraryConfig } from "@coderm/tsup-config";

// The worker thread's entry is a file of its own: the executor starts it by URL.
export default defineLibraryConfig({ entry: ["src/index.ts", "src/isolate-worker.ts"] });
