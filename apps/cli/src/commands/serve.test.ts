import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCaptured as run } from "../test-output.js";

const bin = fileURLToPath(new URL("../../dist/bin.js", import.meta.url));

describe("coderm serve", () => {
  it("serves rewards at the bwrap level on loopback, and stops gracefully on SIGTERM", async () => {
    const child = spawn(process.execPath, [bin, "serve", "--port", "0", "--log-level", "silent"], {
      env: process.env,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    try {
      while (!/serving on (\S+) /.test(stderr)) {
        if (child.exitCode !== null) throw new Error(stderr);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const url = /serving on (\S+) /.exec(stderr)![1]!;
      expect(stderr).toContain("(bwrap,");
      expect(stderr).toContain("loopback callers only");
      const answer = await fetch(`${url}/v1/reward`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          items: [
            {
              response: "```python\ndef f(x):\n    return 2 * x\n```",
              tests: ["assert f(2) == 4"],
            },
          ],
        }),
      });
      expect(((await answer.json()) as { results: { reward: number }[] }).results[0]!.reward).toBe(
        1,
      );
    } finally {
      child.kill("SIGTERM");
    }
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
    expect(stderr).toContain("SIGTERM: finishing requests in flight");
  }, 60_000);

  it("refuses to serve other machines without tokens, naming the flag", async () => {
    const { code, stderr } = await run([
      "serve",
      "--host",
      "0.0.0.0",
      "--port",
      "0",
      "--log-level",
      "silent",
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain("loopback only");
    expect(stderr).toContain("(--host)");
  });
});
