import { describe, expect, it } from "vitest";
import { runCaptured as run } from "../test-output.js";

describe("coderm sandbox build", () => {
  it("documents its flags in --help", async () => {
    const { code, stdout } = await run(["sandbox", "build", "--help"]);
    expect(code).toBe(0);
    for (const flag of [
      "--offline",
      "--online",
      "--tag <name>",
      "--docker-host <host>",
      "--json",
    ]) {
      expect(stdout).toContain(flag);
    }
    expect((await run(["sandbox", "--help"])).stdout).toContain("build");
  });

  it("refuses --offline together with --online", async () => {
    const { code, stderr } = await run(["sandbox", "build", "--offline", "--online"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/option '--offline' cannot be used with option '--online'/);
  });

  it("refuses a Docker host it cannot parse, naming the flag", async () => {
    const { code, stderr } = await run(["sandbox", "build", "--docker-host", "ftp://example:21"]);
    expect(code).toBe(2);
    expect(stderr).toContain("--docker-host: not a Docker host: ftp://example:21");
  });

  it("names the daemon it cannot reach before building anything", async () => {
    const { code, stderr } = await run([
      "sandbox",
      "build",
      "--docker-host",
      "/nonexistent/docker.sock",
      "--json",
    ]);
    expect(code).toBe(1);
    expect(stderr).toContain("cannot reach the Docker daemon at unix:///nonexistent/docker.sock");
    expect(stderr).not.toContain("debootstrap");
  });
});
