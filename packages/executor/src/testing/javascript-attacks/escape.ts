import { producesTest, request } from "./helpers.js";
import type { JavaScriptAdversarialAttack, JavaScriptAdversarialContext } from "./types.js";

/** A call test that passes only if `f(0)` returns the secret, which only an escape could read. */
const escapeAttack = (
  id: string,
  description: string,
  code: (context: JavaScriptAdversarialContext) => string,
  secret: (context: JavaScriptAdversarialContext) => string,
): JavaScriptAdversarialAttack => ({
  id,
  category: "escape",
  description,
  request: (context) => request(id, code(context), [producesTest("call-secret", secret(context))]),
});

const envSecret = (context: JavaScriptAdversarialContext) => context.envSecretValue;
const projectSecret = (context: JavaScriptAdversarialContext) => context.projectSecretValue;
const listenerToken = (context: JavaScriptAdversarialContext) => context.listenerTokenValue;
const text = (value: string) => JSON.stringify(value);

/**
 * Reaching out of the isolate: Node's `process`, `require`, dynamic `import`, the host's global
 * object through `Function`, `eval` and constructor chains, the network, files, and isolated-vm's
 * own handles. Each must produce a secret of the host to pass.
 */
export const escapes: JavaScriptAdversarialAttack[] = [
  escapeAttack(
    "process-env",
    "reads the API key from process.env",
    (context) => `function f() { return process.env[${text(context.envSecretName)}]; }\n`,
    envSecret,
  ),
  escapeAttack(
    "function-constructor-global",
    "reaches the global object through Function('return this') and looks for process there",
    (context) =>
      `function f() {\n  const g = Function('return this')();\n  const p = g.process || (g.global && g.global.process);\n  return p ? p.env[${text(context.envSecretName)}] : 'none';\n}\n`,
    envSecret,
  ),
  escapeAttack(
    "constructor-chain",
    "climbs ({}).constructor.constructor to a Function of the host",
    (context) =>
      `function f() {\n  const HostFunction = ({}).constructor.constructor;\n  return HostFunction('return process')().env[${text(context.envSecretName)}];\n}\n`,
    envSecret,
  ),
  escapeAttack(
    "indirect-eval-process",
    "evaluates process and require through an indirect eval",
    (context) =>
      `function f() {\n  const g = (0, eval)('this');\n  const r = (0, eval)('typeof require === "function" ? require : undefined');\n  return r ? String(r('fs').readFileSync(${text(context.projectSecretPath)})) : String(g.process);\n}\n`,
    projectSecret,
  ),
  escapeAttack(
    "require-fs",
    "reads the project secret with require('fs')",
    (context) =>
      `function f() { return require('fs').readFileSync(${text(context.projectSecretPath)}, 'utf8'); }\n`,
    projectSecret,
  ),
  escapeAttack(
    "require-child-process",
    "runs a shell command with require('child_process')",
    (context) =>
      `function f() { return String(require('child_process').execSync('cat ' + ${text(context.projectSecretPath)})); }\n`,
    projectSecret,
  ),
  escapeAttack(
    "dynamic-import",
    "imports node:fs dynamically and stores what it reads for the next call",
    (context) =>
      `let found = 'none';\nimport('node:fs').then((fs) => { found = fs.readFileSync(${text(context.projectSecretPath)}, 'utf8'); }, () => {});\nfunction f() { return found; }\n`,
    projectSecret,
  ),
  escapeAttack(
    "network-connect",
    "connects to the runner's listener with fetch, XMLHttpRequest, WebSocket and net",
    (context) =>
      `function f() {\n  const url = 'http://127.0.0.1:${context.listenerPort}/';\n  for (const attempt of [\n    () => fetch(url),\n    () => { const x = new XMLHttpRequest(); x.open('GET', url, false); x.send(); return x.responseText; },\n    () => new WebSocket(url.replace('http', 'ws')),\n    () => require('net').connect(${context.listenerPort}, '127.0.0.1'),\n  ]) {\n    try { const result = attempt(); if (typeof result === 'string') return result; } catch {}\n  }\n  return 'none';\n}\n`,
    listenerToken,
  ),
  {
    id: "host-handles",
    category: "escape",
    description:
      "looks for isolated-vm's Reference, ExternalCopy, a worker's postMessage or Node's globals",
    request: (context) =>
      request(
        "host-handles",
        "const names = ['ivm', '_ivm', 'Reference', 'ExternalCopy', 'Callback', 'postMessage', 'parentPort', 'workerData', 'self', 'global', 'process', 'Buffer', 'Deno', 'Bun'];\nfunction f() {\n  const found = names.filter((name) => name in globalThis);\n  console.log('found:' + found.join(','));\n  return found.join(',');\n}\n",
        [producesTest("call-secret", context.listenerTokenValue)],
      ),
    breach: (outcome) => {
      const found = /found:([^\n]+)/.exec(outcome.output)?.[1];
      return found === undefined ? undefined : `host names reachable in the sandbox: ${found}`;
    },
  },
];
