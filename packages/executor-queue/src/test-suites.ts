import { CodermError, parseJson, sha256, stringifyJson, type UnitTest } from "@coderm/core";
import type { Redis } from "ioredis";
import type { QueueKeys } from "./queue-keys.js";

/**
 * The tests of a request, as jobs share them: every candidate of a problem usually runs the same
 * tests, so a job names its tests by suite id (a hash of their text) and the text goes to Redis
 * once per suite, not once per candidate.
 */
export interface TestSuite {
  id: string;
  /** Core's JSON text of the tests, as workers read them. */
  text: string;
}

// Each test object is written and hashed once, however many requests share it.
const testTexts = new WeakMap<UnitTest, { text: string; digest: string }>();

function testText(test: UnitTest): { text: string; digest: string } {
  let entry = testTexts.get(test);
  if (entry === undefined) {
    const text = stringifyJson(test);
    entry = { text, digest: sha256(text) };
    testTexts.set(test, entry);
  }
  return entry;
}

/** The suite of a request's tests (in order: verdicts come back in this order). */
export function testSuite(tests: readonly UnitTest[]): TestSuite {
  const entries = tests.map(testText);
  return {
    id: sha256(entries.map((entry) => entry.digest).join("\n")),
    text: `[${entries.map((entry) => entry.text).join(",")}]`,
  };
}

/**
 * The coordinator's side: writes each suite to Redis before the first job that names it, and
 * again when half its time to live has passed, so a suite outlives every job that names it.
 */
export class SuiteUploader {
  readonly #client: Redis;
  readonly #keys: QueueKeys;
  readonly #ttlMs: number;
  readonly #written = new Map<string, number>();

  constructor(client: Redis, keys: QueueKeys, ttlMs: number) {
    this.#client = client;
    this.#keys = keys;
    this.#ttlMs = ttlMs;
  }

  /** Writes the suites not written lately (one round trip for all of them). */
  async write(suites: Iterable<TestSuite>): Promise<void> {
    const now = Date.now();
    const due = new Map<string, TestSuite>();
    for (const suite of suites) {
      const written = this.#written.get(suite.id);
      if (written === undefined || now - written > this.#ttlMs / 2) due.set(suite.id, suite);
    }
    if (due.size === 0) return;
    const pipeline = this.#client.pipeline();
    for (const suite of due.values())
      pipeline.set(this.#keys.suite(suite.id), suite.text, "PX", this.#ttlMs);
    const results = await pipeline.exec();
    for (const [error] of results ?? []) if (error) throw error;
    for (const id of due.keys()) this.#written.set(id, now);
    // a long-lived coordinator (the reward service: a suite per item) forgets suites written long
    // ago, which it would write again anyway
    if (this.#written.size > 100_000)
      for (const [id, written] of this.#written)
        if (now - written > this.#ttlMs / 2 || this.#written.size > 50_000)
          this.#written.delete(id);
  }
}

/**
 * The worker's side: reads suites from Redis and keeps the most recently used ones, each test
 * given its position as id (verdicts are matched to tests by position, whatever ids the caller
 * used, duplicates included).
 */
export class SuiteReader {
  readonly #client: Redis;
  readonly #keys: QueueKeys;
  readonly #capacity: number;
  readonly #suites = new Map<string, Promise<UnitTest[]>>();

  constructor(client: Redis, keys: QueueKeys, capacity = 256) {
    this.#client = client;
    this.#keys = keys;
    this.#capacity = capacity;
  }

  /** The tests of a suite; a suite gone from Redis is an `unavailable` error naming the job. */
  read(id: string, jobId: string): Promise<UnitTest[]> {
    let suite = this.#suites.get(id);
    if (suite !== undefined) {
      // most recently used last
      this.#suites.delete(id);
      this.#suites.set(id, suite);
      return suite;
    }
    suite = this.#load(id, jobId);
    this.#suites.set(id, suite);
    suite.catch(() => this.#suites.delete(id));
    if (this.#suites.size > this.#capacity)
      this.#suites.delete(this.#suites.keys().next().value as string);
    return suite;
  }

  async #load(id: string, jobId: string): Promise<UnitTest[]> {
    const text = await this.#client.get(this.#keys.suite(id));
    if (text === null)
      throw new CodermError(
        "unavailable",
        `the tests of job ${jobId} are no longer in Redis (suite ${id.slice(0, 12)} expired or was removed)`,
      );
    const tests = parseJson(text) as unknown as UnitTest[];
    return tests.map((test, index) => ({ ...test, id: String(index) }));
  }
}
