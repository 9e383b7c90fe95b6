import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createOpenAITestServer } from "@coderm/openai-test-server";
import { requireDataDir } from "@coderm/vitest-config/data";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCaptured as run, useTemporaryCache } from "./test-output.js";

requireDataDir();

const server = createOpenAITestServer({
  models: ["from-file", "from-flag"],
  respond: (request) => `\`\`\`python\ndef f():\n    return "${request.model}"\n\`\`\``,
});
let dir: string;
let baseURL: string;

beforeAll(async () => {
  dir = await useTemporaryCache("coderm-config-");
  ({ baseURL } = await server.start());
});
afterAll(() => server.close());

const settingsFile = async (name: string, settings: unknown) => {
  const file = join(dir, name);
  await writeFile(file, JSON.stringify(settings));
  return file;
};

const generate = (...extra: string[]) =>
  run([
    "generate",
    "solutions",
    "--benchmark",
    "humaneval",
    "--limit",
    "1",
    "--n",
    "1",
    "--no-cache",
    "--out",
    join(dir, "out.jsonl"),
    "--json",
    ...extra,
  ]);

describe("settings file", () => {
  it("supplies flags a command needs, command sections winning over top-level keys", async () => {
    const file = await settingsFile("coderm.json", {
      "base-url": baseURL,
      model: "nobody",
      concurrency: 3,
      generate: { model: "from-file" },
    });
    const { code, stdout, stderr } = await generate("--config", file);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ model: "from-file", completions: 1 });
    expect((server.requests.at(-1)!.body as { model: string }).model).toBe("from-file");
  });

  it("loses to flags on the command line and to their environment variables", async () => {
    const file = await settingsFile("flags.json", {
      "base-url": "http://127.0.0.1:9/v1",
      model: "from-file",
    });
    const flagged = await generate("--config", file, "--model", "from-flag", "--base-url", baseURL);
    expect(JSON.parse(flagged.stdout)).toMatchObject({ model: "from-flag" });
    process.env.OPENAI_BASE_URL = baseURL;
    try {
      const fromEnv = await generate("--config", file);
      expect(fromEnv.code).toBe(0);
      expect((server.requests.at(-1)!.body as { model: string }).model).toBe("from-file");
    } finally {
      delete process.env.OPENAI_BASE_URL;
    }
  });

  it("names the file and the key of an unknown setting or a bad value", async () => {
    const unknown = await settingsFile("unknown.json", { run: { "n-test": 3 } });
    const first = await generate("--config", unknown, "--model", "from-flag");
    expect(first.code).toBe(2);
    expect(first.stderr).toContain(`${unknown}: unknown setting "run.n-test"`);

    const bad = await settingsFile("bad.json", { generate: { concurrency: 0 } });
    const second = await generate("--config", bad, "--model", "from-flag");
    expect(second.stderr).toContain(`${bad}: "generate.concurrency": expected a whole number`);

    const choice = await settingsFile("choice.json", { executor: "vm" });
    const third = await generate("--config", choice, "--model", "from-flag");
    expect(third.stderr).toMatch(/choice\.json: "executor": .*Allowed choices are local, docker/);

    const flag = await settingsFile("flag.json", { cache: "no" });
    const fourth = await generate("--config", flag, "--model", "from-flag");
    expect(fourth.stderr).toContain(`"cache": expected true or false`);

    const broken = join(dir, "broken.json");
    await writeFile(broken, "{ not json");
    const fifth = await generate("--config", broken, "--model", "from-flag");
    expect(fifth.code).toBe(2);
    expect(fifth.stderr).toContain(`coderm: ${broken}: the settings file is not valid JSON (`);
    // the path once, not twice
    for (const { stderr } of [first, second, third, fourth, fifth])
      expect(stderr.split(dir).length, stderr).toBe(2);
  });

  it("reads CODERM_CONFIG when no --config is given", async () => {
    process.env.CODERM_CONFIG = await settingsFile("env.json", {
      "base-url": baseURL,
      model: "from-file",
    });
    try {
      const { code, stdout } = await generate();
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toMatchObject({ model: "from-file" });
    } finally {
      delete process.env.CODERM_CONFIG;
    }
  });
});
