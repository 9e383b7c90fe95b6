import { defineLibraryConfig } from "@coderm/tsup-config";

export default defineLibraryConfig({ entry: ["src/index.ts"] });
