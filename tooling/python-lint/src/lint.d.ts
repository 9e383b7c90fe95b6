/** Ruff's linter and formatter, from its WebAssembly build, with the repo's `ruff.toml`. */

export interface PerFileIgnore {
  pattern: string;
  codes: string[];
}

export interface PerFileTargetVersion {
  pattern: string;
  version: string;
}

/** A `ruff.toml`: what goes to Ruff as it is, and what needs file paths. */
export interface Config {
  options: Record<string, unknown>;
  exclude: string[];
  perFileIgnores: PerFileIgnore[];
  perFileTargetVersions: PerFileTargetVersion[];
}

export interface Finding {
  line: number;
  column: number;
  /** A Ruff rule code, `invalid-syntax`, or `format` for a file the formatter would change. */
  code: string;
  message: string;
}

export interface Result {
  findings: Finding[];
  /** The formatter's text, undefined where Ruff cannot format the file. */
  formatted: string | undefined;
  /** With `fix`: the fixed and formatted text, undefined when nothing changed. */
  fixed: string | undefined;
}

export interface Linter {
  excluded(path: string): boolean;
  lint(path: string, text: string, options?: { fix?: boolean }): Result;
}

export function parseConfig(text: string): Config;
export function globMatches(path: string, pattern: string): boolean;
export function createLinter(config: Config): Linter;
export function listPythonFiles(root: string): string[];
export function loadConfig(root: string): Config;
export function ruffVersion(): string;
