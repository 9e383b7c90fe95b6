import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { createLinter, globMatches, loadConfig, parseConfig } from "./lint.js";

const config = parseConfig(`
target-version = "py311"
line-length = 100
builtins = ["__TAG__"]
extend-exclude = ["vendored/**"]

[per-file-target-version]
"old/**" = "py38"

[lint]
select = ["E", "F", "I", "UP"]

[lint.per-file-ignores]
"weird/*.py" = ["F401"]
"conftest.py" = ["E402"]
`);

describe("parseConfig", () => {
  it("keeps what Ruff reads and splits off what needs paths", () => {
    expect(config.options).toEqual({
      "target-version": "py311",
      "line-length": 100,
      builtins: ["__TAG__"],
      lint: { select: ["E", "F", "I", "UP"] },
    });
    expect(config.exclude).toEqual(["vendored/**"]);
    expect(config.perFileIgnores).toEqual([
      { pattern: "weird/*.py", codes: ["F401"] },
      { pattern: "conftest.py", codes: ["E402"] },
    ]);
    expect(config.perFileTargetVersions).toEqual([{ pattern: "old/**", version: "py38" }]);
  });
});

describe("globMatches", () => {
  it("matches the path, a bare file name anywhere, and a folder's files", () => {
    expect(globMatches("weird/a.py", "weird/*.py")).toBe(true);
    expect(globMatches("other/weird/a.py", "weird/*.py")).toBe(false);
    expect(globMatches("pkg/tests/conftest.py", "conftest.py")).toBe(true);
    expect(globMatches("vendored/x/y.py", "vendored")).toBe(true);
  });
});

describe("createLinter", () => {
  const linter = createLinter(config);

  it("reports findings with 1-based lines and columns, and files to format", () => {
    const result = linter.lint("a.py", "import os\n\nx = undefined_name\ny=1\n");
    expect(result.findings).toEqual([
      { line: 1, column: 8, code: "F401", message: "`os` imported but unused" },
      { line: 3, column: 5, code: "F821", message: "Undefined name `undefined_name`" },
      {
        line: 4,
        column: 1,
        code: "format",
        message: "would be reformatted (`pnpm lint:python --fix` formats it)",
      },
    ]);
    expect(result.formatted).toBe("import os\n\nx = undefined_name\ny = 1\n");
  });

  it("knows the builtins and applies per-file ignores", () => {
    expect(linter.lint("a.py", "print(__TAG__)\n").findings).toEqual([]);
    expect(linter.lint("weird/a.py", "import os\n").findings).toEqual([]);
    expect(linter.lint("a.py", "import os\n").findings.map((finding) => finding.code)).toEqual([
      "F401",
    ]);
  });

  it("applies per-file target versions", () => {
    const code = "from typing import List\n\nx: List[int] = []\n";
    expect(linter.lint("new/a.py", code).findings.map((finding) => finding.code)).toContain(
      "UP035",
    );
    expect(linter.lint("old/a.py", code).findings).toEqual([]);
  });

  it("reports syntax errors", () => {
    const result = linter.lint("a.py", "def f(:\n    pass\n");
    expect(result.findings[0]?.code).toBe("invalid-syntax");
    expect(result.formatted).toBeUndefined();
  });

  it("sorts imports and formats with fix, and leaves the rest", () => {
    const result = linter.lint("a.py", "import sys\nimport os\nprint(os,sys, undefined_name)\n", {
      fix: true,
    });
    expect(result.fixed).toBe("import os\nimport sys\n\nprint(os, sys, undefined_name)\n");
    expect(result.findings.map((finding) => finding.code)).toEqual(["F821"]);
    expect(linter.lint("a.py", "x = 1\n", { fix: true }).fixed).toBeUndefined();
  });

  it("excludes what exclude names", () => {
    expect(linter.excluded("vendored/lib/x.py")).toBe(true);
    expect(linter.excluded("src/x.py")).toBe(false);
  });
});

describe("the repo's ruff.toml", () => {
  it("is one Ruff accepts", () => {
    const root = fileURLToPath(new URL("../../..", import.meta.url));
    expect(createLinter(loadConfig(root)).lint("a.py", "x = 1\n").findings).toEqual([]);
  });
});

describe("python-lint", () => {
  const dir = mkdtempSync(join(tmpdir(), "python-lint-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cli = fileURLToPath(new URL("./cli.js", import.meta.url));
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: "utf8" });

  it("lints the Python files git knows of, prints file:line:col code message and exits 1", () => {
    spawnSync("git", ["init", "-q"], { cwd: dir });
    writeFileSync(join(dir, "ruff.toml"), 'line-length = 100\n[lint]\nselect = ["F"]\n');
    writeFileSync(join(dir, ".gitignore"), "ignored.py\n");
    writeFileSync(join(dir, "bad.py"), "import os\n");
    writeFileSync(join(dir, "ugly.py"), "x=1\n");
    writeFileSync(join(dir, "ignored.py"), "import os\n");
    const result = run();
    expect(result.stdout).toBe(
      "bad.py:1:8 F401 `os` imported but unused\n" +
        "ugly.py:1:1 format would be reformatted (`pnpm lint:python --fix` formats it)\n",
    );
    expect(result.status).toBe(1);
  });

  it("formats with --fix, and takes paths", () => {
    const result = run("--fix", "ugly.py");
    expect(result.stdout).toBe("");
    expect(result.status).toBe(0);
    expect(readFileSync(join(dir, "ugly.py"), "utf8")).toBe("x = 1\n");
    expect(run("nothing-here").status).toBe(2);
    expect(run("--bogus").status).toBe(2);
  });
});
