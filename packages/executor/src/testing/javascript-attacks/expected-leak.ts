import { forms, producesTest, request } from "./helpers.js";
import type { JavaScriptAdversarialAttack } from "./types.js";

/**
 * Finding the expected value instead of computing it: from the caller's source text (a sloppy
 * function's `caller`), from stack traces, from every object reachable from the global object, or
 * from the harness's own functions. Call tests keep the expected value on the host; test programs
 * run in strict mode, where `caller` is null.
 */
export const expectedLeak: JavaScriptAdversarialAttack[] = [
  {
    id: "caller-source",
    category: "expected-leak",
    description:
      "reads the caller's source through f.caller and returns the number it compares with",
    request: () =>
      request(
        "caller-source",
        "function f(x) {\n  const caller = f.caller || (arguments.callee && arguments.callee.caller);\n  const found = caller ? /===\\s*(\\d+)|\\(candidate\\(21\\),\\s*(\\d+)/.exec(String(caller)) : null;\n  return found ? Number(found[1] || found[2]) : x;\n}\n",
        [forms.consoleAssert, forms.check, forms.assert, forms.nodeAssert],
      ),
  },
  {
    id: "stack-trace-source",
    category: "expected-leak",
    description:
      "reads stack traces (Error.captureStackTrace, error.stack) for anything that holds the answer",
    request: () =>
      request(
        "stack-trace-source",
        "function f(x) {\n  const holder = {};\n  Error.captureStackTrace(holder);\n  const found = /(\\d{2,})/.exec(String(holder.stack).replace(/:\\d+:\\d+/g, ''));\n  return found ? Number(found[1]) : x;\n}\n",
        [forms.consoleAssert, forms.check, forms.call],
      ),
  },
  {
    id: "reachable-objects-scan",
    category: "expected-leak",
    description: "walks every object reachable from globalThis for the call test's expected value",
    request: (context) =>
      request(
        "reachable-objects-scan",
        `function f(x) {\n  const prefix = ${JSON.stringify(context.expectedToken.slice(0, 28))};\n  const seen = new Set();\n  const queue = [globalThis];\n  while (queue.length > 0 && seen.size < 100000) {\n    const value = queue.shift();\n    if (seen.has(value)) continue;\n    seen.add(value);\n    for (const key of Reflect.ownKeys(value)) {\n      let item;\n      try { const d = Reflect.getOwnPropertyDescriptor(value, key); item = d && 'value' in d ? d.value : undefined; } catch { continue; }\n      if (typeof item === 'string' && item.startsWith(prefix)) return item;\n      if ((typeof item === 'object' && item !== null) || typeof item === 'function') queue.push(item);\n    }\n  }\n  return 'none';\n}\n`,
        [producesTest("call-token", context.expectedToken)],
      ),
  },
  {
    id: "harness-functions-probe",
    category: "expected-leak",
    description:
      "calls every reachable function with harness-like arguments ('verdict', 'call', 'run') hoping to reach the judge",
    request: (context) =>
      request(
        "harness-functions-probe",
        `function f(x) {\n  const seen = new Set();\n  const queue = [globalThis];\n  const found = [];\n  while (queue.length > 0 && seen.size < 20000) {\n    const value = queue.shift();\n    if (seen.has(value)) continue;\n    seen.add(value);\n    if (typeof value === 'function' && value !== f && !/native code/.test(Function.prototype.toString.call(value))) found.push(value);\n    for (const key of Reflect.ownKeys(value)) {\n      try { const d = Reflect.getOwnPropertyDescriptor(value, key); const item = d && d.value; if ((typeof item === 'object' && item !== null) || typeof item === 'function') queue.push(item); } catch {}\n    }\n  }\n  for (const candidate of found) for (const operation of ['verdict', 'output', 'run', 'call']) {\n    try { const answer = candidate(operation); if (typeof answer === 'string' && answer.includes(${JSON.stringify(context.expectedToken.slice(0, 12))})) return answer; } catch {}\n  }\n  return 'none';\n}\n`,
        [producesTest("call-token", context.expectedToken), forms.consoleAssert],
      ),
  },
];
