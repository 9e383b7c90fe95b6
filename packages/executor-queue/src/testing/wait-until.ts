/**
 * Waits until `condition` holds, checking every 50 ms; past `timeoutMs` (20 s by default), throws
 * saying so. For the queue's tests, whose workers and Redis change state on their own time.
 */
export async function waitUntil(
  condition: () => Promise<boolean> | boolean,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("timed out waiting for a condition");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
