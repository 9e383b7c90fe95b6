export { default } from "@coderm/vitest-config";
