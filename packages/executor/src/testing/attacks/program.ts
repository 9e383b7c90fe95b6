import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { AdversarialContext } from "./types.js";

/**
 * The attacks' Python programs are real files under `python/` (see `README.md` beside this file):
 * `python/<category>/<name>.py`, and `python/_shared/<module>.py` for the code several of them
 * share. {@link program} turns one into the text a candidate runs, in two explicit steps:
 *
 * 1. Includes. A top-level line `from _shared.<module> import <names>` (one line, or a
 *    parenthesised import over several) is replaced by the whole text of
 *    `python/_shared/<module>.py`. The names only tell Ruff (and the reader) what the program
 *    uses from there; shared files include nothing themselves.
 * 2. Placeholders. A name `__UPPER_SNAKE__` (Python's own dunders are lower case) is replaced by
 *    its value as JSON text, which Python reads as the same literal (strings, numbers, lists of
 *    strings). With a context, each {@link AdversarialContext} field is one: `__TAG__` is
 *    `context.tag`, `__LISTENER_PORT__` `context.listenerPort`, and so on; a record may add its
 *    own (`__ANSWER_FILE__`). A placeholder without a value, or a value no placeholder uses, is
 *    an error. Ruff knows every placeholder name as a builtin (`lint.builtins` in `ruff.toml`),
 *    so the files stay valid, lintable Python.
 */

/** A placeholder's value: pasted as its JSON text, which Python reads as the same literal. */
export type PythonValue = string | number | readonly string[];

const includeLine = /^from _shared\.(\w+) import (?:\([^)]*\)|[^\n(]*)(?:\n|$)/gm;
const placeholderName = /(?<!\w)__([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)__(?!\w)/g;

/**
 * The folder of the programs: `python/` beside this module when it runs from source (vitest,
 * type stripping), `attacks/python/` beside the bundle when it runs built (`tsup` bundles
 * `src/testing/index.ts` into `dist/testing/index.js`; the build copies `src/testing/attacks/python`
 * to `dist/testing/attacks/python`). Found on first use, so a missing folder fails the attack
 * that needs it, not the import of `@coderm/executor/testing`.
 */
let root: URL | undefined;

function pythonRoot(): URL {
  if (root === undefined) {
    const candidates = [
      new URL("./python/", import.meta.url),
      new URL("./attacks/python/", import.meta.url),
      // a bundle at the root of dist/ (a shared chunk, were code splitting on)
      new URL("./testing/attacks/python/", import.meta.url),
    ];
    root = candidates.find((candidate) =>
      existsSync(fileURLToPath(new URL("_shared/", candidate))),
    );
    if (root === undefined) {
      throw new Error(
        `the adversarial attacks' Python files are missing: looked in ${candidates
          .map((candidate) => fileURLToPath(candidate))
          .join(" and ")}`,
      );
    }
  }
  return root;
}

const files = new Map<string, string>();

function read(path: string): string {
  let text = files.get(path);
  if (text === undefined) {
    text = readFileSync(new URL(path, pythonRoot()), "utf8");
    files.set(path, text);
  }
  return text;
}

/** `python/<file>.py` with its includes expanded: the program before its placeholders are filled. */
export function programSource(file: string): string {
  return read(`${file}.py`).replace(includeLine, (_line, module: string) => {
    const shared = read(`_shared/${module}.py`);
    if (shared.match(includeLine)) {
      throw new Error(`python/_shared/${module}.py includes another file; shared files cannot`);
    }
    return shared;
  });
}

/** The placeholder name of a context field: `listenerPort` is `LISTENER_PORT`. */
export function placeholderOf(field: string): string {
  return field.replace(/[A-Z]/g, (letter) => `_${letter}`).toUpperCase();
}

/**
 * The program `python/<file>.py` (e.g. `"escape/read-project-secret"`) as a candidate runs it:
 * includes expanded, placeholders filled from `context` and `values` (keys without the
 * underscores: `{ ANSWER_FILE: "..." }` fills `__ANSWER_FILE__`).
 */
export function program(
  file: string,
  context?: AdversarialContext,
  values: Readonly<Record<string, PythonValue>> = {},
): string {
  const filled = new Map<string, PythonValue>();
  for (const [field, value] of Object.entries(context ?? {})) {
    filled.set(placeholderOf(field), value as PythonValue);
  }
  const unused = new Set(Object.keys(values));
  for (const [name, value] of Object.entries(values)) filled.set(name, value);
  const text = programSource(file).replace(placeholderName, (_match, name: string) => {
    const value = filled.get(name);
    if (value === undefined) {
      throw new Error(`python/${file}.py: no value for the placeholder __${name}__`);
    }
    unused.delete(name);
    return JSON.stringify(value);
  });
  if (unused.size > 0) {
    throw new Error(`python/${file}.py: no placeholder uses ${[...unused].join(", ")}`);
  }
  return text;
}
