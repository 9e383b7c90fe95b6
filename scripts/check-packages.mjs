#!/usr/bin/env node
// Checks every publishable (non-private) workspace package as it would be published: packs it
// once with `pnpm pack` (workspace: and catalog: versions resolved, as `pnpm publish` does), then
// runs `publint --strict` and `attw --profile esm-only` on that tarball and checks that every
// target in its `exports` and `bin` (the `@coderm/source` condition included) is in it.
// Packages run in parallel. Needs a build first (`pnpm build`): it checks what `dist/` holds.
//
// Usage: node scripts/check-packages.mjs [package-name...]
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { publint } from "publint";
import { formatMessage } from "publint/utils";

const run = promisify(execFile);
const root = fileURLToPath(new URL("..", import.meta.url));
const only = new Set(process.argv.slice(2));
const sourceCondition = "@coderm/source";
const attwManifest = fileURLToPath(import.meta.resolve("@arethetypeswrong/cli/package.json"));
const attw = join(dirname(attwManifest), JSON.parse(readFileSync(attwManifest, "utf8")).bin.attw);

/** The workspace folders that hold a package.json (the globs of pnpm-workspace.yaml are `<dir>/*`). */
function workspacePackages() {
  const globs = readFileSync(join(root, "pnpm-workspace.yaml"), "utf8")
    .split("\n")
    .map((line) => /^\s+-\s+["']?([^"'\s]+)\/\*["']?\s*$/.exec(line)?.[1])
    .filter((dir) => dir !== undefined);
  return globs.flatMap((dir) =>
    existsSync(join(root, dir))
      ? readdirSync(join(root, dir))
          .map((name) => join(root, dir, name))
          .filter((path) => existsSync(join(path, "package.json")))
      : [],
  );
}

/** Every string target in an `exports` or `bin` value, with the key path that leads to it. */
function targets(value, path) {
  if (typeof value === "string") return [[path, value]];
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, inner]) =>
    targets(inner, `${path}[${JSON.stringify(key)}]`),
  );
}

/** The `exports` subpaths none of whose targets is a module or its declarations (data files). */
function assetEntrypoints(exports) {
  if (exports === null || typeof exports !== "object") return [];
  return Object.entries(exports)
    .filter(([subpath]) => subpath.startsWith("."))
    .filter(([subpath, value]) =>
      targets(value, subpath).every(
        ([, target]) => !/\.(?:[cm]?js|d\.[cm]?ts|[cm]?ts)$/.test(target),
      ),
    )
    .map(([subpath]) => subpath);
}

/** Runs a command and returns its combined output, never throwing. */
async function capture(file, args, cwd) {
  try {
    const { stdout, stderr } = await run(file, args, { cwd, maxBuffer: 64 << 20 });
    return { ok: true, output: `${stdout}${stderr}` };
  } catch (error) {
    return { ok: false, output: `${error.stdout ?? ""}${error.stderr ?? ""}` || String(error) };
  }
}

async function check(dir, scratch) {
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const started = performance.now();
  const problems = [];
  const packed = await capture("pnpm", ["pack", "--json", "--pack-destination", scratch], dir);
  if (!packed.ok)
    return { name: manifest.name, ok: false, report: `pnpm pack failed:\n${packed.output}` };
  const { filename, files } = JSON.parse(packed.output.slice(packed.output.indexOf("{")));
  const shipped = new Set(files.map((file) => file.path));
  for (const [path, target] of [
    ...targets(manifest.exports, "exports"),
    ...targets(manifest.bin, "bin"),
  ]) {
    const file = target.replace(/^\.\//, "");
    if (!file.includes("*") && !shipped.has(file))
      problems.push(`${path} is ${target}, which is not in the tarball`);
  }
  // The source-first convention: every module entry names its TypeScript source first.
  for (const [subpath, value] of Object.entries(manifest.exports ?? {})) {
    if (value === null || typeof value !== "object") continue;
    const [first, source] = Object.entries(value)[0] ?? [];
    if (first !== sourceCondition) {
      problems.push(
        `exports["${subpath}"] must start with "${sourceCondition}": "./src/<entry>.ts"`,
      );
    } else if (!existsSync(join(dir, source))) {
      problems.push(
        `exports["${subpath}"]["${sourceCondition}"] is ${source}, which does not exist`,
      );
    }
  }
  if (problems.length > 0 && !existsSync(join(dir, "dist"))) {
    return {
      name: manifest.name,
      ok: false,
      report: `not built (no dist/): run \`pnpm build\` first\n${problems.join("\n")}`,
    };
  }
  const [lint, types] = await Promise.all([
    readFile(filename).then((data) =>
      publint({ pack: { tarball: new Uint8Array(data).buffer }, strict: true }),
    ),
    capture(
      process.execPath,
      [
        attw,
        filename,
        "--profile",
        "esm-only",
        "--format",
        "table-flipped",
        "--no-emoji",
        "--no-color",
        // Asset exports (a Python file, a schema) are files to read, not modules to resolve.
        ...assetEntrypoints(manifest.exports).flatMap((subpath) => [
          "--exclude-entrypoints",
          subpath,
        ]),
      ],
      dir,
    ),
  ]);
  // publint --strict: warnings fail like errors; suggestions are printed and pass.
  const messages = lint.messages.map(
    (message) => `  ${message.type}: ${formatMessage(message, lint.pkg, { color: false })}`,
  );
  if (lint.messages.some((message) => message.type !== "suggestion"))
    problems.push(`publint --strict:\n${messages.join("\n")}`);
  else if (messages.length > 0)
    process.stdout.write(`${manifest.name}: publint suggestions:\n${messages.join("\n")}\n`);
  if (!types.ok) problems.push(`attw --profile esm-only:\n${types.output.trim()}`);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const report =
    problems.length === 0 ? `ok (${shipped.size} files, ${seconds} s)` : problems.join("\n");
  return { name: manifest.name, ok: problems.length === 0, report };
}

const packages = workspacePackages().filter((dir) => {
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  return manifest.private !== true && (only.size === 0 || only.has(manifest.name));
});
const scratch = await mkdtemp(join(tmpdir(), "coderm-pack-"));
const started = performance.now();
const results = [];
try {
  const queue = [...packages];
  const workers = Array.from(
    { length: Math.min(availableParallelism(), queue.length) },
    async () => {
      for (let dir = queue.shift(); dir !== undefined; dir = queue.shift()) {
        const result = await check(dir, scratch);
        results.push(result);
        process.stdout.write(
          `${result.ok ? "✓" : "✗"} ${result.name} (${relative(root, dir)}): ${result.report}\n`,
        );
      }
    },
  );
  await Promise.all(workers);
} finally {
  await rm(scratch, { recursive: true, force: true });
}
const failed = results.filter((result) => !result.ok);
const seconds = ((performance.now() - started) / 1000).toFixed(1);
process.stdout.write(
  `${results.length - failed.length} of ${results.length} packages pass publint --strict and attw (${seconds} s)\n`,
);
process.exitCode = failed.length === 0 ? 0 : 1;
