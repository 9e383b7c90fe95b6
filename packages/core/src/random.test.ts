import { describe, expect, it } from "vitest";
import { createRandom } from "./random.js";

describe("createRandom", () => {
  it("repeats its sequence for the same seed and differs for another", () => {
    const draw = (seed: number | string) =>
      Array.from({ length: 5 }, createRandom(seed).next.bind(createRandom(seed)));
    const a = createRandom(42);
    const b = createRandom(42);
    const c = createRandom(43);
    const first = Array.from({ length: 8 }, () => a.next());
    expect(Array.from({ length: 8 }, () => b.next())).toEqual(first);
    expect(Array.from({ length: 8 }, () => c.next())).not.toEqual(first);
    expect(draw("x")).toEqual(draw("x"));
  });

  it("draws uniform floats and integers in range", () => {
    const random = createRandom("uniform");
    const counts = new Array(10).fill(0);
    for (let i = 0; i < 100_000; i++) {
      const value = random.next();
      expect(value >= 0 && value < 1).toBe(true);
      counts[random.int(10)] += 1;
    }
    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(500);
  });

  it("shuffles and samples without replacement", () => {
    const random = createRandom(7);
    const items = Array.from({ length: 50 }, (_, index) => index);
    const shuffled = random.shuffle(items);
    expect(shuffled).not.toEqual(items);
    expect([...shuffled].sort((x, y) => x - y)).toEqual(items);
    const sample = random.sample(items, 20);
    expect(new Set(sample).size).toBe(20);
    expect(random.sample(items, 80)).toHaveLength(50);
    expect(random.sample(items, 0)).toEqual([]);
  });

  it("forks independent, reproducible streams", () => {
    const a = createRandom(1).fork("tests");
    const b = createRandom(1).fork("tests");
    const c = createRandom(1).fork("solutions");
    expect(a.next()).toBe(b.next());
    expect(createRandom(1).fork("tests").next()).not.toBe(c.next());
  });
});
