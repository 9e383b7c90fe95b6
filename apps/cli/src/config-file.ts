import { existsSync, readFileSync, statSync } from "node:fs";
import { CodermError } from "@coderm/core";
import { type Command, InvalidArgumentError, type Option } from "commander";

/** The config file read when neither `--config` nor `CODERM_CONFIG` names one. */
const defaultConfigFile = "coderm.json";

/**
 * Which config file applies: `--config FILE` (or `--config=FILE`) on the command line, else
 * `CODERM_CONFIG`, else `./coderm.json` when it exists, else none.
 */
export function configFilePath(argv: readonly string[]): string | undefined {
  for (const [index, arg] of argv.entries()) {
    if (arg === "--") break;
    if (arg === "--config") return argv[index + 1];
    if (arg.startsWith("--config=")) return arg.slice("--config=".length);
  }
  if (process.env.CODERM_CONFIG) return process.env.CODERM_CONFIG;
  return existsSync(defaultConfigFile) ? defaultConfigFile : undefined;
}

/** Adds `--config <file>` to every command that runs something. */
export function addConfigOption(program: Command): void {
  for (const command of leafCommands(program))
    command.option(
      "--config <file>",
      `settings file (default: CODERM_CONFIG, else ./${defaultConfigFile} if present)`,
    );
}

/**
 * Applies a JSON settings file to the program's commands, before the command line is parsed.
 * Keys are flag names without the dashes (`"base-url"`, `"concurrency"`, `"cache": false` for
 * `--no-cache`). Top-level keys apply to every command with that flag; a key naming a command
 * (`"run"`, `"generate"`, `"generate tests"`) holds settings for it and its subcommands, which win
 * over top-level ones. Flags on the command line and their environment variables win over the
 * file. An unknown key or a bad value is an error naming the file and the key. The file is UTF-8
 * (a byte-order mark is dropped) and must be a regular file.
 */
export function applyConfigFile(program: Command, file: string): void {
  const settings = readSettings(file);
  if (!isObject(settings))
    throw new CodermError("invalid-input", "the settings file must hold a JSON object", {
      file,
    });
  const commands = new Map(leafCommands(program).map((command) => [commandPath(command), command]));
  const sections = new Set(
    [...commands.keys()].flatMap((path) =>
      path.split(" ").map((_, index, parts) => parts.slice(0, index + 1).join(" ")),
    ),
  );
  const allKeys = new Set([...commands.values()].flatMap((command) => [...optionKeys(command)]));
  for (const [key, value] of Object.entries(settings)) {
    if (sections.has(key)) {
      if (!isObject(value))
        throw new CodermError("invalid-input", `"${key}" must hold an object of settings`, {
          file,
        });
      const known = new Set(
        [...commands.entries()]
          .filter(([path]) => path === key || path.startsWith(`${key} `))
          .flatMap(([, command]) => [...optionKeys(command)]),
      );
      for (const inner of Object.keys(value))
        if (!known.has(inner)) throw unknownKey(file, `${key}.${inner}`);
    } else if (!allKeys.has(key)) throw unknownKey(file, key);
  }
  for (const [path, command] of commands) {
    const layers = [settings, ...prefixes(path).map((prefix) => settings[prefix])];
    for (const option of command.options) {
      const key = optionKey(option);
      if (key === undefined) continue;
      let value: unknown;
      let field = key;
      for (const [index, layer] of layers.entries()) {
        if (!isObject(layer) || !(key in layer)) continue;
        value = layer[key];
        field = index === 0 ? key : `${prefixes(path)[index - 1]}.${key}`;
      }
      if (value === undefined) continue;
      command.setOptionValueWithSource(
        option.attributeName(),
        optionValue(option, value, file, field),
        "config",
      );
    }
  }
}

function optionValue(option: Option, value: unknown, file: string, field: string): unknown {
  const bad = (message: string) =>
    new CodermError("invalid-input", `"${field}": ${message}`, { file });
  const takesValue = option.required || option.optional;
  if (!takesValue) {
    if (typeof value !== "boolean") throw bad("expected true or false");
    // `--no-cache` is the option, `"cache": false` the setting: both mean the attribute is false.
    return value;
  }
  const parse = (item: unknown, previous: unknown) => {
    if (typeof item !== "string" && typeof item !== "number")
      throw bad("expected a string or a number");
    try {
      return option.parseArg ? option.parseArg(String(item), previous) : String(item);
    } catch (error) {
      if (error instanceof InvalidArgumentError) throw bad(error.message);
      throw error;
    }
  };
  if (Array.isArray(value))
    return value.reduce<unknown>((previous, item) => parse(item, previous), undefined);
  return parse(value, undefined);
}

function unknownKey(file: string, key: string): CodermError {
  return new CodermError("invalid-input", `unknown setting "${key}"`, { file });
}

/** The parsed settings file: a regular file (never a pipe that blocks), UTF-8, JSON. */
function readSettings(file: string): unknown {
  const fail = (message: string, cause?: unknown) =>
    new CodermError("invalid-input", `the settings file ${message}`, {
      file,
      ...(cause === undefined ? {} : { cause }),
    });
  let bytes: Buffer;
  try {
    if (!statSync(file).isFile()) throw fail("is not a regular file");
    bytes = readFileSync(file);
  } catch (error) {
    if (CodermError.isInstance(error)) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw fail(
      code === "ENOENT" ? "does not exist" : `cannot be read (${(error as Error).message})`,
      error,
    );
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (error) {
    throw fail("is not UTF-8 text", error);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw fail(`is not valid JSON (${(error as Error).message})`, error);
  }
}

/** The settings-file key of an option: its long flag without the dashes (and `no-`). */
function optionKey(option: Option): string | undefined {
  const key = option.long?.replace(/^--(no-)?/, "");
  return key === undefined || key === "config" || key === "help" || key === "version"
    ? undefined
    : key;
}

function optionKeys(command: Command): Set<string> {
  return new Set(command.options.flatMap((option) => optionKey(option) ?? []));
}

function leafCommands(command: Command): Command[] {
  return command.commands.length === 0
    ? [command]
    : command.commands.flatMap((child) => leafCommands(child));
}

/** A command's name path below the program: `generate tests`. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let at: Command | null = command; at?.parent; at = at.parent) names.unshift(at.name());
  return names.join(" ");
}

/** `generate tests` -> [`generate`, `generate tests`]. */
function prefixes(path: string): string[] {
  const parts = path.split(" ");
  return parts.map((_, index) => parts.slice(0, index + 1).join(" "));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
