import { createMockExecutor, type MockExecutorSettings } from "@coderm/core/testing";
import { describe, expect, it } from "vitest";
import { createExecutorRegistry } from "./executor-registry.js";

describe("createExecutorRegistry", () => {
  const registry = createExecutorRegistry({
    local: (settings: { workers?: number } = {}) =>
      createMockExecutor({ name: `local x${settings.workers ?? 1}` }),
    docker: (settings: MockExecutorSettings) => createMockExecutor({ ...settings, name: "docker" }),
  });

  it("makes executors by name from settings", async () => {
    expect(registry.names).toEqual(["local", "docker"]);
    const local = registry.create("local", { workers: 4 });
    expect(local.name).toBe("local x4");
    expect(local.executed).toBe(0);
    const docker = registry.create("docker", { fingerprint: "docker" });
    expect(await docker.fingerprint()).toBe("docker");
    const chosen: string = "local";
    expect(registry.has(chosen)).toBe(true);
    expect(registry.create(chosen).name).toBe("local x1");
  });

  it("names the known executors when asked for an unknown one", () => {
    expect(registry.has("isolated-vm")).toBe(false);
    let error: unknown;
    try {
      registry.create("isolated-vm", {});
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({
      code: "invalid-input",
      field: "executor",
      details: { name: "isolated-vm", known: ["local", "docker"] },
    });
    expect((error as Error).message).toContain(
      'unknown executor "isolated-vm" (known: local, docker)',
    );
  });
});
