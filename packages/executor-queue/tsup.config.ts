import { defineLibraryConfig } from "@coderm/tsup-config";

export default defineLibraryConfig({
  entry: { index: "src/index.ts", "testing/index": "src/testing/index.ts" },
});
