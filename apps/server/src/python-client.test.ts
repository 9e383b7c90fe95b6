import { spawn } from "node:child_process";
import { once } from "node:events";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type OpenedExecutor, openExecutor } from "@coderm/pipeline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRewardServer, type RewardServer } from "./server.js";

const clientDirectory = join(dirname(fileURLToPath(import.meta.url)), "..", "python");
let opened: OpenedExecutor;
let server: RewardServer;
let address: string;

beforeAll(async () => {
  opened = await openExecutor({ workers: 2, cache: false });
  server = await createRewardServer({ executor: opened, logLevel: "silent" });
  address = await server.listen({ host: "127.0.0.1", port: 0 });
});
afterAll(async () => {
  await server.close(0);
  await opened.close();
});

describe("the Python client", () => {
  it("passes its own tests against the running service", async () => {
    const child = spawn("python3", ["-m", "unittest", "-v", "test_coderm_reward_client"], {
      cwd: clientDirectory,
      env: { ...process.env, CODERM_REWARD_URL: address, PYTHONDONTWRITEBYTECODE: "1" },
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    const [code] = await once(child, "exit");
    expect(output).toMatch(/Ran 6 tests/);
    expect({ code, output }).toMatchObject({ code: 0 });
  }, 120_000);
});
