/**
 * The scripts a test runs as, after the candidate, in the candidate's context. A test program is
 * the body of a function nested in a wrapper that receives the harness's bindings: the test sees
 * the real `assert`, `require` and `console` whatever globals the candidate declared, and may
 * declare those names itself (`const assert = require("node:assert")`). The test's first line is
 * line 1 of the script (the wrapper's line is given a line offset of -1).
 *
 * Test programs run in strict mode, so that a candidate's function cannot read its caller (a
 * sloppy function's `caller` is null when the caller is strict) and, from the caller's source
 * text, the expected values. A test that needs sloppy mode (it assigns to a variable it never
 * declared) is run again without it: see {@link needsSloppyMode}.
 */

const bindings = "const { assert, require, console, module, exports } = $h;";
const directive = (strict: boolean) => (strict ? '"use strict"; ' : "");

/** An `assert` test: the program runs as it is. */
export function assertWrapper(code: string, strict: boolean): string {
  return `(function ($h) { ${bindings} return function () { ${directive(strict)}\n${code}\n}; })`;
}

/**
 * A `check` test: the program defines `check`, which is called with the entry point (looked up in
 * the candidate's global scope before the program's own declarations can shadow it).
 */
export function checkWrapper(code: string, entryPoint: string, strict: boolean): string {
  return (
    `(function ($h) { const $candidate = ${entryPoint}; ${bindings} return function () { ${directive(strict)}\n${code}\n;` +
    `if (typeof check !== "function") throw new ReferenceError("the test defines no function check");` +
    " return check($candidate); }; })"
  );
}

/** A `call` test: a function that looks the entry point up in the candidate's global scope. */
export function entryPointLookup(entryPoint: string): string {
  return `(function () { return ${entryPoint}; })`;
}

const reserved = new Set(
  (
    "await break case catch class const continue debugger default delete do else enum export " +
    "extends false finally for function if implements import in instanceof interface let new " +
    "null package private protected public return static super switch this throw true try " +
    "typeof var void while with yield"
  ).split(" "),
);

/** Whether an entry point can be pasted into a script as a plain identifier. */
export function isIdentifier(name: string): boolean {
  return /^[A-Za-z_$][\w$]*$/.test(name) && !reserved.has(name);
}

/**
 * Whether a test that ended in `errorType`/`message` in strict mode failed only for being strict:
 * a `ReferenceError` "x is not defined" for a name the test program assigns to (sloppy mode would
 * have made it a global). A candidate cannot bring this about for a test that assigns no
 * undeclared name.
 */
export function needsSloppyMode(code: string, errorType?: string, message?: string): boolean {
  if (errorType !== "ReferenceError" || message === undefined) return false;
  const name = /^([A-Za-z_$][\w$]*) is not defined$/.exec(message)?.[1];
  if (name === undefined) return false;
  const assigned = new RegExp(
    `(?:^|[^.\\w$])${name.replace(/\$/g, "\\$")}\\s*(?:[-+*/%&|^]|\\*\\*|<<|>>>?|&&|\\|\\||\\?\\?)?=(?![=>])`,
    "m",
  );
  return assigned.test(code);
}
