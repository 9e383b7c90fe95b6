import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { adversarialAttacks } from "./index.js";
import { placeholderOf, program, programSource } from "./program.js";
import type { AdversarialContext } from "./types.js";

const here = new URL("./", import.meta.url);
const pythonDir = new URL("python/", here);

const context: AdversarialContext = {
  marker: "0badc0de",
  tag: "adv-0badc0de",
  listenerPort: 43117,
  unixSocketPath: "/tmp/adv-0badc0de.sock",
  tokenHash: "a".repeat(64),
  projectSecretPath: "/project/adv-0badc0de-secret.log",
  projectSecretHash: "b".repeat(64),
  homeDir: "/tmp/adv-0badc0de-home-x",
  homeSecretPath: "/tmp/adv-0badc0de-home-x/.ssh/id_ed25519",
  homeSecretHash: "c".repeat(64),
  envSecretName: "OPENAI_API_KEY",
  envSecretPrefix: "sk-coderm-adversarial-",
  envSecretHash: "d".repeat(64),
  decoyTag: "adv-0badc0de-decoy",
  outsideDirs: ["/tmp", "/project", "/tmp/adv-0badc0de-home-x"],
  expectedToken: "coderm-adversarial-token-0",
};

/** Every program the suite runs: the attacks' and their victims'. */
function programs(): { id: string; code: string }[] {
  return adversarialAttacks.flatMap((attack) => [
    attack.request(context).candidate,
    ...(attack.victim?.(context).requests.map((request) => request.candidate) ?? []),
  ]);
}

/** `python/` relative paths of every .py file, without the extension. */
function pythonFiles(dir = pythonDir, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? pythonFiles(new URL(`${entry.name}/`, dir), `${prefix}${entry.name}/`)
      : entry.name.endsWith(".py")
        ? [`${prefix}${entry.name.slice(0, -3)}`]
        : [],
  );
}

describe("adversarial attacks", () => {
  it("have unique ids, and every candidate id is unique", () => {
    const ids = adversarialAttacks.map((attack) => attack.id);
    expect(new Set(ids).size).toBe(ids.length);
    const candidates = programs().map((candidate) => candidate.id);
    expect(new Set(candidates).size).toBe(candidates.length);
  });

  it("fill every placeholder", () => {
    for (const { id, code } of programs()) {
      expect(code, id).not.toMatch(/(?<!\w)__[A-Z][A-Z0-9_]*__(?!\w)/);
      expect(code, id).not.toMatch(/^from _shared\./m);
    }
  });

  it("use every Python file, and name only what a shared file defines", () => {
    const sources = readdirSync(here)
      .filter((name) => name.endsWith(".ts") && !name.endsWith(".test.ts"))
      .map((name) => readFileSync(new URL(name, here), "utf8"))
      .join("\n");
    const used = new Set([...sources.matchAll(/program\(\s*"([^"]+)"/g)].map((match) => match[1]));
    const files = pythonFiles();
    for (const file of files.filter((file) => !file.startsWith("_shared/"))) {
      expect(used, `python/${file}.py is not used`).toContain(file);
      const text = readFileSync(new URL(`${file}.py`, pythonDir), "utf8");
      for (const match of text.matchAll(
        /^from _shared\.(\w+) import (?:\(([^)]*)\)|([^\n(]*))/gm,
      )) {
        const module = match[1] as string;
        expect(files, file).toContain(`_shared/${module}`);
        const shared = readFileSync(new URL(`_shared/${module}.py`, pythonDir), "utf8");
        for (const name of (match[2] ?? match[3] ?? "").split(",").map((part) => part.trim())) {
          if (name === "") continue;
          const binding = new RegExp(
            `^(?:(?:def|class) ${name}\\b|${name}\\s*=|import ${name}$|import \\S+ as ${name}$)`,
            "m",
          );
          expect(shared, `${file} imports ${name} from _shared/${module}`).toMatch(binding);
        }
      }
    }
    for (const file of files.filter((file) => file.startsWith("_shared/"))) {
      const module = file.slice("_shared/".length);
      expect(
        files.some((other) =>
          readFileSync(new URL(`${other}.py`, pythonDir), "utf8").includes(
            `from _shared.${module} import`,
          ),
        ),
        `python/${file}.py is not included`,
      ).toBe(true);
    }
    for (const file of used) expect(files).toContain(file);
  });

  it("expand includes in place and fill placeholders as Python literals", () => {
    const source = programSource("escape/read-env-secret");
    expect(
      source.startsWith(readFileSync(new URL("_shared/env_secret.py", pythonDir), "utf8")),
    ).toBe(true);
    expect(source).toContain("NAME = __ENV_SECRET_NAME__");
    expect(program("escape/read-env-secret", context)).toContain('NAME = "OPENAI_API_KEY"');
    expect(placeholderOf("listenerPort")).toBe("LISTENER_PORT");
    expect(() => program("escape/read-env-secret")).toThrow(/__ENV_SECRET_NAME__/);
    expect(() => program("early-exit/kill-self", undefined, { UNUSED: 1 })).toThrow(/UNUSED/);
  });

  const python = process.env.CODERM_PYTHON ?? "python3";
  const hasPython = spawnSync(python, ["-c", "pass"]).status === 0;

  it.skipIf(!hasPython)("are programs Python compiles", () => {
    // Normalizer bombs are made not to compile (or to break whatever walks their syntax tree).
    const bombs = new Set(
      adversarialAttacks
        .filter((attack) => attack.category === "normalizer-bombs")
        .map((attack) => attack.id),
    );
    const result = spawnSync(
      python,
      [
        "-c",
        "import json, sys\nfor item in json.load(sys.stdin):\n    compile(item['code'], item['id'], 'exec')\n",
      ],
      { input: JSON.stringify(programs().filter((item) => !bombs.has(item.id))), encoding: "utf8" },
    );
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("resolve their folder from source", () => {
    expect(fileURLToPath(pythonDir)).toMatch(/attacks[/\\]python[/\\]$/);
  });
});
