import { CodermError, type Executor } from "@coderm/core";

/** Makes an executor from its settings (what a registry holds under a name). */
// biome-ignore lint/suspicious/noExplicitAny: a factory may take any settings type
export type ExecutorFactory<Settings = any, Made extends Executor = Executor> = (
  settings: Settings,
) => Made;

/** Executors by name, made from settings (see {@link createExecutorRegistry}). */
export interface ExecutorRegistry<Factories extends Record<string, ExecutorFactory>> {
  /** The registered names, in registration order. */
  readonly names: readonly (keyof Factories & string)[];
  /** True when `name` is registered. */
  has(name: string): name is keyof Factories & string;
  /**
   * Makes the executor registered under `name` from `settings`. An unknown name is a
   * `CodermError` (`invalid-input`, field `executor`) listing the known names.
   */
  create<Name extends keyof Factories & string>(
    name: Name,
    ...settings: Parameters<Factories[Name]>
  ): ReturnType<Factories[Name]>;
  /** Makes an executor whose name is only known at run time (from a setting or a request). */
  create(name: string, settings?: unknown): Executor;
}

/**
 * A registry of executor factories by name (`{ local: createLocalExecutor, docker:
 * createDockerExecutor }`), so that callers choose a backend by a name from their settings and
 * get core's `Executor` back. Backends register here; this package imports none of them.
 */
export function createExecutorRegistry<Factories extends Record<string, ExecutorFactory>>(
  factories: Factories,
): ExecutorRegistry<Factories> {
  const names = Object.keys(factories) as (keyof Factories & string)[];
  const has = (name: string): name is keyof Factories & string => Object.hasOwn(factories, name);
  return {
    names,
    has,
    create(name: string, settings?: unknown) {
      if (!has(name)) {
        throw new CodermError(
          "invalid-input",
          `unknown executor "${name}" (known: ${names.join(", ") || "none"})`,
          { field: "executor", details: { name, known: names } },
        );
      }
      return factories[name]!(settings);
    },
  } as unknown as ExecutorRegistry<Factories>;
}
