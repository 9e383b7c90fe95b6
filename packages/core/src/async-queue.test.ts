import { describe, expect, it } from "vitest";
import { AsyncQueue } from "./async-queue.js";

describe("AsyncQueue", () => {
  it("hands pushed items to the reader in order, waiting for more until ended", async () => {
    const queue = new AsyncQueue<number>();
    queue.push(1);
    const read = (async () => {
      const seen: number[] = [];
      for await (const item of queue) seen.push(item);
      return seen;
    })();
    await new Promise((resolve) => setTimeout(resolve, 5));
    queue.push(2);
    queue.end();
    queue.push(3);
    expect(await read).toEqual([1, 2]);
  });

  it("throws an ending error after the queued items", async () => {
    const queue = new AsyncQueue<string>();
    queue.push("a");
    queue.end(new Error("broken"));
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const item of queue) seen.push(item);
      })(),
    ).rejects.toThrow("broken");
    expect(seen).toEqual(["a"]);
  });
});
