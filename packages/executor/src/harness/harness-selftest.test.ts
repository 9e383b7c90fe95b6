import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { resolvePython } from "@coderm/core";
import { expect, it } from "vitest";

it("passes the harness's own Python self-test (protocol, limits, hostile candidates)", async () => {
  const { executable } = await resolvePython();
  const script = fileURLToPath(new URL("./harness_selftest.py", import.meta.url));
  const { stdout } = await promisify(execFile)(executable, ["-S", script], {
    cwd: fileURLToPath(new URL(".", import.meta.url)),
    timeout: 240_000,
  });
  expect(stdout).toContain("all checks passed");
}, 300_000);
