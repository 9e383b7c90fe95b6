// @ts-check
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, matchesGlob } from "node:path";
import { parse } from "smol-toml";

/**
 * Ruff's linter and formatter, from its WebAssembly build, with the repo's `ruff.toml`.
 *
 * The WebAssembly `Workspace` sees file contents, never paths, so what depends on a path is done
 * here: `exclude` / `extend-exclude` drop files, `lint.per-file-ignores` (and
 * `lint.extend-per-file-ignores`) add to `lint.ignore`, and `per-file-target-version` sets
 * `target-version`, of a workspace for the files they match.
 * Everything else in `ruff.toml` goes to Ruff as it is (Ruff rejects what it does not know).
 */

const require = createRequire(import.meta.url);
/** @type {typeof import("@astral-sh/ruff-wasm-nodejs")} */
const ruff = require("@astral-sh/ruff-wasm-nodejs");

/** Codes whose fixes `--fix` applies besides formatting: import sorting. */
const fixableCodes = new Set(["I001"]);

/**
 * @typedef {{ pattern: string, codes: string[] }} PerFileIgnore
 * @typedef {{ pattern: string, version: string }} PerFileTargetVersion
 * @typedef {{ options: Record<string, unknown>, exclude: string[], perFileIgnores: PerFileIgnore[],
 *   perFileTargetVersions: PerFileTargetVersion[] }} Config
 * @typedef {{ line: number, column: number, code: string, message: string }} Finding
 * @typedef {{ findings: Finding[], formatted: string | undefined, fixed: string | undefined }} Result
 * @typedef {{ row: number, column: number }} Location
 * @typedef {{ content: string | null, location: Location, end_location: Location }} Edit
 * @typedef {{ code: string | null, message: string, start_location: Location,
 *   fix: { edits: Edit[] } | null }} Diagnostic
 */

/**
 * Reads a Ruff configuration (a `ruff.toml`) and splits off what needs file paths.
 *
 * @param {string} text the TOML text
 * @returns {Config}
 */
export function parseConfig(text) {
  /** @type {Record<string, any>} */
  const options = structuredClone(parse(text));
  /** @type {string[]} */
  const exclude = [...(options.exclude ?? []), ...(options["extend-exclude"] ?? [])];
  delete options.exclude;
  delete options["extend-exclude"];
  /** @type {PerFileIgnore[]} */
  const perFileIgnores = [];
  for (const scope of [options, options.lint ?? {}]) {
    for (const key of ["per-file-ignores", "extend-per-file-ignores"]) {
      for (const [pattern, codes] of Object.entries(scope[key] ?? {})) {
        perFileIgnores.push({ pattern, codes: [...codes] });
      }
      delete scope[key];
    }
  }
  /** @type {PerFileTargetVersion[]} */
  const perFileTargetVersions = Object.entries(options["per-file-target-version"] ?? {}).map(
    ([pattern, version]) => ({ pattern, version: String(version) }),
  );
  delete options["per-file-target-version"];
  return { options, exclude, perFileIgnores, perFileTargetVersions };
}

/**
 * Whether a glob of the configuration matches a repo-relative path: like Ruff, the whole path or,
 * for a pattern without a slash, the file name.
 *
 * @param {string} path
 * @param {string} pattern
 */
export function globMatches(path, pattern) {
  return (
    matchesGlob(path, pattern) ||
    (!pattern.includes("/") && matchesGlob(basename(path), pattern)) ||
    matchesGlob(path, `${pattern.replace(/\/$/, "")}/**`)
  );
}

/**
 * A linter for one configuration: one Ruff workspace per set of per-file settings.
 *
 * @param {Config} config
 */
export function createLinter(config) {
  /** @type {Map<string, InstanceType<typeof ruff.Workspace>>} */
  const workspaces = new Map();
  /**
   * @param {string[]} ignores
   * @param {string | undefined} version
   */
  const workspace = (ignores, version) => {
    const key = `${version ?? ""}:${ignores.join(",")}`;
    let found = workspaces.get(key);
    if (found === undefined) {
      /** @type {Record<string, any>} */
      const options = structuredClone(config.options);
      if (version !== undefined) options["target-version"] = version;
      if (ignores.length > 0) {
        options.lint = { ...options.lint };
        options.lint.ignore = [...(options.lint.ignore ?? []), ...ignores];
      }
      found = new ruff.Workspace(options, ruff.PositionEncoding.Utf16);
      workspaces.set(key, found);
    }
    return found;
  };

  return {
    /**
     * Whether `exclude` / `extend-exclude` leave the file out.
     *
     * @param {string} path repo-relative, with forward slashes
     */
    excluded(path) {
      return config.exclude.some((pattern) => globMatches(path, pattern));
    },

    /**
     * Lints a file and checks its formatting. With `fix`, `fixed` is the text after import
     * sorting and formatting (undefined when nothing changes), and the findings are those left.
     *
     * @param {string} path repo-relative, with forward slashes
     * @param {string} text
     * @param {{ fix?: boolean }} [options]
     * @returns {Result}
     */
    lint(path, text, { fix = false } = {}) {
      const ignores = [
        ...new Set(
          config.perFileIgnores
            .filter(({ pattern }) => globMatches(path, pattern))
            .flatMap(({ codes }) => codes),
        ),
      ].sort();
      const version = config.perFileTargetVersions.find(({ pattern }) =>
        globMatches(path, pattern),
      )?.version;
      const ruffWorkspace = workspace(ignores, version);
      let current = text;
      if (fix) {
        for (let round = 0; round < 5; round++) {
          const next = applyFixes(current, ruffWorkspace.check(current));
          const formatted = tryFormat(ruffWorkspace, next) ?? next;
          if (formatted === current) break;
          current = formatted;
        }
      }
      /** @type {Diagnostic[]} */
      const diagnostics = ruffWorkspace.check(current);
      /** @type {Finding[]} */
      const findings = diagnostics.map((diagnostic) => ({
        line: diagnostic.start_location.row,
        column: diagnostic.start_location.column,
        code: diagnostic.code ?? "invalid-syntax",
        message: diagnostic.message,
      }));
      const formatted = tryFormat(ruffWorkspace, current);
      if (formatted === undefined) {
        if (!findings.some((finding) => finding.code === "invalid-syntax")) {
          findings.push({ line: 1, column: 1, code: "format", message: "Ruff cannot format it" });
        }
      } else if (formatted !== current) {
        findings.push({
          line: firstDifferentLine(current, formatted),
          column: 1,
          code: "format",
          message: "would be reformatted (`pnpm lint:python --fix` formats it)",
        });
      }
      findings.sort((a, b) => a.line - b.line || a.column - b.column);
      return { findings, formatted, fixed: current === text ? undefined : current };
    },
  };
}

/**
 * @param {InstanceType<typeof ruff.Workspace>} workspace
 * @param {string} text
 */
function tryFormat(workspace, text) {
  try {
    return workspace.format(text);
  } catch {
    return undefined;
  }
}

/**
 * Applies the fixes of the fixable diagnostics that do not overlap (as Ruff does, the rest wait
 * for the next round).
 *
 * @param {string} text
 * @param {Diagnostic[]} diagnostics
 */
function applyFixes(text, diagnostics) {
  const starts = [0];
  for (let index = text.indexOf("\n"); index !== -1; index = text.indexOf("\n", index + 1)) {
    starts.push(index + 1);
  }
  /** @param {Location} location */
  const offset = (location) => (starts[location.row - 1] ?? text.length) + location.column - 1;
  const edits = diagnostics
    .filter((diagnostic) => diagnostic.code !== null && fixableCodes.has(diagnostic.code))
    .flatMap((diagnostic) => diagnostic.fix?.edits ?? [])
    .map((edit) => ({
      start: offset(edit.location),
      end: offset(edit.end_location),
      content: edit.content ?? "",
    }))
    .sort((a, b) => a.start - b.start);
  let result = "";
  let position = 0;
  for (const edit of edits) {
    if (edit.start < position) continue;
    result += text.slice(position, edit.start) + edit.content;
    position = edit.end;
  }
  return result + text.slice(position);
}

/**
 * @param {string} a
 * @param {string} b
 */
function firstDifferentLine(a, b) {
  const left = a.split("\n");
  const right = b.split("\n");
  let line = 0;
  while (line < left.length && left[line] === right[line]) line++;
  return line + 1;
}

/**
 * The Python files git knows of under `root`: tracked, and untracked but not ignored, that exist.
 *
 * @param {string} root the repository root
 */
export function listPythonFiles(root) {
  const output = execFileSync(
    "git",
    ["ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "*.py"],
    { cwd: root, encoding: "utf8", maxBuffer: 64 << 20 },
  );
  return [...new Set(output.split("\0").filter((path) => path !== ""))]
    .filter((path) => existsSync(`${root}/${path}`))
    .sort();
}

/**
 * Reads `ruff.toml` at `root`.
 *
 * @param {string} root
 */
export function loadConfig(root) {
  return parseConfig(readFileSync(`${root}/ruff.toml`, "utf8"));
}

/** Ruff's version, as the WebAssembly build reports it. */
export function ruffVersion() {
  return ruff.Workspace.version();
}
