export { default } from "@coderm/tsup-config";
