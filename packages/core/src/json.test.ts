import { describe, expect, it } from "vitest";
import { canonicalJson, parseJson, parsePythonJson, stringifyJson } from "./json.js";

describe("parseJson / stringifyJson", () => {
  it("keeps integers beyond 2^53 exact", () => {
    const text = "[[123456789012345678901234567890, -9007199254740993], 12, 1.5e300]";
    const value = parseJson(text) as unknown[];
    expect(value[0]).toEqual([123456789012345678901234567890n, -9007199254740993n]);
    expect(value[1]).toBe(12);
    expect(stringifyJson(value)).toBe(
      "[[123456789012345678901234567890,-9007199254740993],12,1.5e+300]",
    );
  });

  it("reads integers of any length exactly (Python prints tens of thousands of digits)", () => {
    const huge = 7n ** 20_000n; // 16,902 digits
    const text = stringifyJson([{ value: huge }, huge]);
    expect(parseJson(text)).toEqual([{ value: huge }, huge]);
    expect(parsePythonJson(`[${huge}.5e3]`)).toEqual([Number(`${huge}.5e3`)]);
  });

  it("reads and writes NaN and infinities as Python's json does", () => {
    const value = parseJson(
      '{"a": [NaN, Infinity, -Infinity], "b": "NaN inside a string"}',
    ) as Record<string, unknown>;
    expect(value.a).toEqual([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
    expect(value.b).toBe("NaN inside a string");
    expect(stringifyJson(value)).toBe('{"a":[NaN,Infinity,-Infinity],"b":"NaN inside a string"}');
  });

  it("parses strings with escapes and nested structures like JSON.parse", () => {
    const text =
      '{"s": "a\\"b\\\\c\\u00e9\\n", "n": [true, false, null, {}, []], "big": 99999999999999999999}';
    const value = parseJson(text) as Record<string, unknown>;
    expect(value.s).toBe('a"b\\cé\n');
    expect(value.n).toEqual([true, false, null, {}, []]);
  });

  it("reports malformed input", () => {
    expect(() => parseJson("[1, 2,, 99999999999999999999]")).toThrow(SyntaxError);
    expect(() => parseJson("[NaN] x")).toThrow(/unexpected text/);
  });

  it("writes canonical JSON independent of key order", () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe(
      canonicalJson({ a: [{ c: 3, d: 2 }], b: 1 }),
    );
  });
});

describe("parsePythonJson", () => {
  it("keeps integral floats apart from integers, and big integers exact", () => {
    expect(
      parsePythonJson('[1, 2.0, -3.0, 1e3, 1.5e+100, 0.5, 12345678901234567890, "2.0 1e3"]'),
    ).toEqual([
      1,
      { $float: "2.0" },
      { $float: "-3.0" },
      { $float: "1e3" },
      { $float: "1.5e+100" },
      0.5,
      12345678901234567890n,
      "2.0 1e3",
    ]);
  });

  it("keeps the key order of dicts with integer-like keys", () => {
    expect(parsePythonJson('{"b": 1, "2": 2, "1": 3.0}')).toEqual({
      $dict: [
        ["b", 1],
        ["2", 2],
        ["1", { $float: "3.0" }],
      ],
    });
    expect(parsePythonJson('{"b": 1, "a": [NaN]}')).toEqual({ b: 1, a: [Number.NaN] });
  });
});
