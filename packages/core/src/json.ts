import { CodermError } from "./errors.js";

/** A JSON value as coderm carries it: integers beyond 2^53 stay exact as bigint. */
export type JsonValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

/**
 * A Python value carried as JSON. JSON has no tuple, set or complex number, JavaScript numbers do
 * not keep `2.0` apart from `2`, and JavaScript objects reorder integer-like keys, so those travel
 * as objects with one tagged key that the executor's harness turns back into the Python value:
 * `{"$tuple": [...]}`, `{"$set": [...]}`, `{"$complex": x}`, `{"$float": "2.0"}` and
 * `{"$dict": [[key, value], ...]}` (a dict whose key order JavaScript would change), and
 * `{"$digest": sha256}`: a value too large to travel, known by the digest of its canonical form
 * (an executor returns it for a huge computed value; as an expected value it is compared by
 * digest). Everything
 * else means what Python's `json` module reads: integers beyond 2^53 are bigints, `NaN` and
 * `Infinity` are the non-finite floats.
 */
export type PythonValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | PythonValue[]
  | { $tuple: PythonValue[] }
  | { $set: PythonValue[] }
  | { $complex: PythonValue }
  | { $float: string }
  | { $dict: [string, PythonValue][] }
  | { $digest: string }
  | { [key: string]: PythonValue };

const needsExactParser = /\d{16,}|NaN|Infinity/;

/**
 * Parses JSON text the way Python's `json` module reads it: integers too large for a double come
 * back as exact bigints, and the tokens `NaN`, `Infinity` and `-Infinity` are accepted.
 * Plain JSON takes the fast native path.
 */
export function parseJson(text: string): JsonValue {
  if (!needsExactParser.test(text)) return JSON.parse(text) as JsonValue;
  return new ExactJsonParser(text, false).parseDocument();
}

/**
 * Parses JSON written by Python's `json` module into {@link PythonValue}s that mean the same to
 * Python: integers stay exact, `NaN`/`Infinity` are read, an integral float (`2.0`, `1e3`) becomes
 * `{"$float": text}`, and an object with integer-like keys becomes `{"$dict": entries}` so its
 * key order survives.
 */
export function parsePythonJson(text: string): PythonValue {
  return new ExactJsonParser(text, true).parseDocument() as PythonValue;
}

/**
 * Writes a value as JSON that Python's `json` module reads back exactly: bigints as plain
 * integers, non-finite numbers as `NaN`/`Infinity`, keys in insertion order.
 */
export function stringifyJson(value: unknown): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      if (Number.isFinite(value)) return JSON.stringify(value);
      return Number.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
    case "bigint":
      return value.toString();
    case "boolean":
      return value ? "true" : "false";
    case "undefined":
      return "null";
    case "object": {
      if (value === null) return "null";
      if (Array.isArray(value)) return `[${value.map(stringifyJson).join(",")}]`;
      const toJSON = (value as { toJSON?: () => unknown }).toJSON;
      if (typeof toJSON === "function") return stringifyJson(toJSON.call(value));
      const fields: string[] = [];
      for (const [key, field] of Object.entries(value)) {
        if (field !== undefined) fields.push(`${JSON.stringify(key)}:${stringifyJson(field)}`);
      }
      return `{${fields.join(",")}}`;
    }
    default:
      throw new CodermError("invalid-input", `cannot write a ${typeof value} as JSON`);
  }
}

/** JSON with object keys sorted, so equal values have equal text (used for content ids). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { toJSON?: unknown }).toJSON !== "function"
  ) {
    const entries = Object.entries(value)
      .filter(([, field]) => field !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, field]) => `${JSON.stringify(key)}:${canonicalJson(field)}`).join(",")}}`;
  }
  return stringifyJson(value);
}

const integerLikeKey = /^(?:0|[1-9]\d*)$/;
// Sticky: a number token read in place, however many digits it has (Python prints integers of
// tens of thousands of digits; EvalPlus's expected outputs hold some).
const numberToken = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

class ExactJsonParser {
  #position = 0;
  readonly #text: string;
  readonly #python: boolean;

  constructor(text: string, python: boolean) {
    this.#text = text;
    this.#python = python;
  }

  parseDocument(): JsonValue {
    const value = this.#value();
    this.#skipSpace();
    if (this.#position !== this.#text.length) this.#fail("unexpected text after the JSON value");
    return value;
  }

  #value(): JsonValue {
    this.#skipSpace();
    const char = this.#text[this.#position];
    switch (char) {
      case "{":
        return this.#object();
      case "[":
        return this.#array();
      case '"':
        return this.#string();
      case "t":
        return this.#literal("true", true);
      case "f":
        return this.#literal("false", false);
      case "n":
        return this.#literal("null", null);
      case "N":
        return this.#literal("NaN", Number.NaN);
      case "I":
        return this.#literal("Infinity", Number.POSITIVE_INFINITY);
      default:
        if (char === "-" && this.#text.startsWith("-Infinity", this.#position)) {
          return this.#literal("-Infinity", Number.NEGATIVE_INFINITY);
        }
        return this.#number();
    }
  }

  #object(): JsonValue {
    const entries: [string, JsonValue][] = [];
    this.#position += 1;
    this.#skipSpace();
    if (this.#text[this.#position] === "}") {
      this.#position += 1;
      return {};
    }
    for (;;) {
      this.#skipSpace();
      if (this.#text[this.#position] !== '"') this.#fail("expected a string key");
      const key = this.#string();
      this.#skipSpace();
      if (this.#text[this.#position] !== ":") this.#fail("expected ':'");
      this.#position += 1;
      entries.push([key, this.#value()]);
      this.#skipSpace();
      const next = this.#text[this.#position++];
      if (next === "}") break;
      if (next !== ",") this.#fail("expected ',' or '}'");
    }
    if (this.#python && entries.some(([key]) => integerLikeKey.test(key))) {
      return { $dict: entries } as unknown as JsonValue;
    }
    return Object.fromEntries(entries);
  }

  #array(): JsonValue {
    const result: JsonValue[] = [];
    this.#position += 1;
    this.#skipSpace();
    if (this.#text[this.#position] === "]") {
      this.#position += 1;
      return result;
    }
    for (;;) {
      result.push(this.#value());
      this.#skipSpace();
      const next = this.#text[this.#position++];
      if (next === "]") return result;
      if (next !== ",") this.#fail("expected ',' or ']'");
    }
  }

  #string(): string {
    const start = this.#position;
    let index = start + 1;
    for (;;) {
      const char = this.#text[index];
      if (char === undefined) this.#fail("unterminated string");
      if (char === "\\") index += 2;
      else if (char === '"') break;
      else index += 1;
    }
    this.#position = index + 1;
    return JSON.parse(this.#text.slice(start, index + 1)) as string;
  }

  #number(): JsonValue {
    numberToken.lastIndex = this.#position;
    const match = numberToken.exec(this.#text);
    if (match === null) this.#fail("unexpected character");
    const token = match[0];
    this.#position += token.length;
    const number = Number(token);
    if (match[1] === undefined && match[2] === undefined) {
      return Number.isSafeInteger(number) ? number : BigInt(token);
    }
    if (this.#python && Number.isInteger(number)) return { $float: token } as unknown as JsonValue;
    return number;
  }

  #literal<T extends JsonValue>(word: string, value: T): T {
    if (!this.#text.startsWith(word, this.#position)) this.#fail("unexpected token");
    this.#position += word.length;
    return value;
  }

  #skipSpace(): void {
    for (;;) {
      const code = this.#text.charCodeAt(this.#position);
      if (code !== 0x20 && code !== 0x0a && code !== 0x0d && code !== 0x09) return;
      this.#position += 1;
    }
  }

  #fail(reason: string): never {
    throw new SyntaxError(`${reason} at position ${this.#position} in JSON`);
  }
}
