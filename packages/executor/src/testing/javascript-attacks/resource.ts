import type { AdversarialOutcome } from "../attacks/types.js";
import { forms, request } from "./helpers.js";
import type { JavaScriptAdversarialAttack } from "./types.js";

/** Short limits: a resource attack's tests end in a timeout or an out-of-memory. */
const limits = { timeMs: 500, memoryMb: 64 };
const tests = [forms.assert, forms.consoleAssert, forms.call];

const exhaust = (
  id: string,
  description: string,
  code: string,
  breach?: (outcome: AdversarialOutcome) => string | undefined,
): JavaScriptAdversarialAttack => ({
  id,
  category: "resource",
  description,
  request: () => request(id, code, tests, limits),
  ...(breach === undefined ? {} : { breach }),
});

/**
 * Attacks on the worker's time and memory: loops, promise and timer floods, memory bombs,
 * catastrophic regular expressions, a thread blocked on `Atomics.wait`, deep recursion, a thrown
 * value whose getter never returns, and output floods.
 */
export const resource: JavaScriptAdversarialAttack[] = [
  exhaust("infinite-loop", "loops forever inside f", "function f(x) { for (;;) {} }\n"),
  exhaust(
    "infinite-loop-at-load",
    "loops forever before f exists",
    "for (;;) {}\nfunction f(x) { return 2 * x; }\n",
  ),
  exhaust(
    "loop-in-finally",
    "loops in a finally block, catching whatever interrupts it",
    "function f(x) { for (;;) { try { for (;;) {} } catch {} finally { continue; } } }\n",
  ),
  exhaust(
    "microtask-flood",
    "queues promise jobs that queue themselves, after returning",
    "function f(x) { const again = () => Promise.resolve().then(again); again(); return x; }\n",
  ),
  exhaust(
    "async-spin",
    "an async loop that awaits forever",
    "async function spin() { for (;;) await null; }\nfunction f(x) { spin(); return x; }\n",
  ),
  exhaust(
    "timer-storm",
    "an interval that is never cleared, and timers that schedule timers",
    "function f(x) { setInterval(() => {}, 0); const again = () => setTimeout(again, 1); again(); return x; }\n",
  ),
  exhaust(
    "memory-bomb-arrays",
    "keeps allocating arrays of doubles",
    "function f(x) { const kept = []; for (;;) kept.push(new Array(1e6).fill(x + 0.5)); }\n",
  ),
  exhaust(
    "memory-bomb-buffers",
    "keeps allocating ArrayBuffers outside the heap",
    "function f(x) { const kept = []; for (;;) kept.push(new ArrayBuffer(1 << 24)); }\n",
  ),
  exhaust(
    "memory-bomb-strings",
    "doubles a string until it cannot",
    "function f(x) { let text = 'x'; const kept = []; for (;;) { text += text; kept.push(text + x); } }\n",
  ),
  exhaust(
    "catastrophic-regex",
    "a regular expression with exponential backtracking",
    "function f(x) { return /^(a+)+$/.test('a'.repeat(64) + 'b') ? 42 : x; }\n",
  ),
  exhaust(
    "atomics-wait",
    "blocks the isolate's thread on Atomics.wait",
    "function f(x) { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); return x; }\n",
  ),
  exhaust("deep-recursion", "recurses without end", "function f(x) { return f(x + 1) + 1; }\n"),
  exhaust(
    "getter-loop-on-throw",
    "throws an object whose name and message getters never return",
    "function f(x) { throw { get name() { for (;;) {} }, get message() { for (;;) {} } }; }\nthrow { get message() { for (;;) {} } };\n",
  ),
  exhaust(
    "wasm-compile",
    "tries to compile WebAssembly",
    "const bytes = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]);\nfunction f(x) { new WebAssembly.Module(bytes); return x; }\n",
  ),
  exhaust(
    "output-flood",
    "prints megabytes before returning a wrong answer",
    "function f(x) { const line = 'y'.repeat(1 << 16); for (let i = 0; i < 200; i++) console.log(line); return x; }\n",
    (outcome) =>
      outcome.output.length > 3 * 2 * 4096
        ? `output of ${outcome.output.length} characters came back`
        : undefined,
  ),
];
