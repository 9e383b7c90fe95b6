/** A seeded pseudo-random generator (xoshiro128**): the same seed gives the same sequence. */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, bound). */
  int(bound: number): number;
  /** A new array with the items in random order (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[];
  /** `count` distinct items drawn without replacement, in draw order. */
  sample<T>(items: readonly T[], count: number): T[];
  /** An independent generator derived from this one's seed and a label. */
  fork(label: string | number): Random;
}

/** Creates a seeded generator. String seeds are hashed, so `"run-1"` and `1` both work. */
export function createRandom(seed: number | string): Random {
  return new Xoshiro128(String(seed));
}

class Xoshiro128 implements Random {
  readonly #seed: string;
  readonly #state: Uint32Array;

  constructor(seed: string) {
    this.#seed = seed;
    let hash = fnv1a(seed);
    this.#state = new Uint32Array(4);
    for (let index = 0; index < 4; index++) {
      hash = (hash + 0x9e3779b9) >>> 0;
      let z = hash;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.#state[index] = (z ^ (z >>> 16)) >>> 0;
    }
    if (this.#state.every((word) => word === 0)) this.#state[0] = 1;
  }

  next(): number {
    const s = this.#state;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) >>> 0;
    const t = (s[1]! << 9) >>> 0;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result / 4294967296;
  }

  int(bound: number): number {
    return Math.floor(this.next() * bound);
  }

  shuffle<T>(items: readonly T[]): T[] {
    const result = [...items];
    for (let index = result.length - 1; index > 0; index--) {
      const other = this.int(index + 1);
      [result[index], result[other]] = [result[other]!, result[index]!];
    }
    return result;
  }

  sample<T>(items: readonly T[], count: number): T[] {
    const pool = [...items];
    const size = Math.min(Math.max(0, count), pool.length);
    for (let index = 0; index < size; index++) {
      const other = index + this.int(pool.length - index);
      [pool[index], pool[other]] = [pool[other]!, pool[index]!];
    }
    return pool.slice(0, size);
  }

  fork(label: string | number): Random {
    return new Xoshiro128(`${this.#seed}/${label}`);
  }
}

function rotl(value: number, shift: number): number {
  return ((value << shift) | (value >>> (32 - shift))) >>> 0;
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
