#!/usr/bin/env node
// @ts-check
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { relative, resolve, sep } from "node:path";
import { createLinter, listPythonFiles, loadConfig, ruffVersion } from "./lint.js";

const usage = `Usage: python-lint [--fix] [path ...]

Runs Ruff's linter and its formatter (check mode) with the repo's ruff.toml on every *.py that git
knows of (tracked, or untracked and not ignored), or on those under the given paths. Prints
"file:line:col code message" for each finding; a file the formatter would change is a finding of
code "format". Exits 1 when there is any finding.

  --fix   sort imports (I001) and format the files in place, then report what is left`;

const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  console.log(usage);
  process.exit(0);
}
const fix = args.includes("--fix");
const unknown = args.filter((arg) => arg.startsWith("-") && arg !== "--fix");
if (unknown.length > 0) {
  console.error(`python-lint: unknown option ${unknown.join(" ")}\n\n${usage}`);
  process.exit(2);
}

const root = execFileSync("git", ["rev-parse", "--show-toplevel"], { encoding: "utf8" }).trim();
const toRepo = (/** @type {string} */ path) => relative(root, resolve(path)).split(sep).join("/");
const wanted = args.filter((arg) => !arg.startsWith("-")).map(toRepo);
const linter = createLinter(loadConfig(root));
const files = listPythonFiles(root).filter(
  (path) =>
    !linter.excluded(path) &&
    (wanted.length === 0 ||
      wanted.some((prefix) => prefix === "" || path === prefix || path.startsWith(`${prefix}/`))),
);
if (wanted.length > 0 && files.length === 0) {
  console.error(`python-lint: no Python file under ${wanted.join(", ")}`);
  process.exit(2);
}

let findings = 0;
let fixed = 0;
let unformatted = 0;
for (const path of files) {
  const text = await readFile(resolve(root, path), "utf8");
  const result = linter.lint(path, text, { fix });
  if (result.fixed !== undefined) {
    writeFileSync(resolve(root, path), result.fixed);
    fixed += 1;
  }
  for (const finding of result.findings) {
    console.log(`${path}:${finding.line}:${finding.column} ${finding.code} ${finding.message}`);
    if (finding.code === "format") unformatted += 1;
  }
  findings += result.findings.length;
}
const summary = [
  `python-lint (Ruff ${ruffVersion()}): ${files.length} files`,
  `${findings} findings${unformatted > 0 ? ` (${unformatted} files to format)` : ""}`,
  ...(fix ? [`${fixed} fixed`] : []),
];
console.error(summary.join(", "));
process.exit(findings > 0 ? 1 : 0);
