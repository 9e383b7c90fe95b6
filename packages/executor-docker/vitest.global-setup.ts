import type { TestProject } from "vitest/node";
import { startTestEngine } from "./src/testing/engine.js";

/**
 * Starts one private Docker daemon with the sandbox image for the whole test run and hands its
 * address to the tests (`testEngine()` in src/testing/engine.ts); stops it at the end.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = performance.now();
  const engine = await startTestEngine({
    onProgress: (line) =>
      process.stderr.write(
        `[test engine] +${Math.round(performance.now() - started)} ms ${line}\n`,
      ),
  });
  process.stderr.write(
    `[test engine] dockerd on ${engine.socketPath} with ${engine.image} ready in ${Math.round(performance.now() - started)} ms\n`,
  );
  project.provide("dockerTestEngine", { socketPath: engine.socketPath, image: engine.image });
  return async () => {
    const stopping = performance.now();
    await engine.stop();
    process.stderr.write(
      `[test engine] stopped in ${Math.round(performance.now() - stopping)} ms\n`,
    );
  };
}
