import { describe, expect, it } from "vitest";
import { contentId, jsonContentId, normalizeText, sha256 } from "./content-id.js";

describe("contentId", () => {
  it("collapses line-ending and trailing-whitespace variants", () => {
    const code = "def f(x):\n    return x\n";
    expect(contentId("def f(x):\r\n    return x\r\n\n  ")).toBe(contentId(code));
    expect(contentId(`\ufeff${code}`)).toBe(contentId(code));
    expect(contentId(code)).toBe(sha256("def f(x):\n    return x"));
  });

  it("keeps differences that can change behaviour", () => {
    expect(contentId("def f(x):\n    return x")).not.toBe(contentId("def f(x):\n  return x"));
    expect(contentId("s = 'a '\n")).not.toBe(contentId("s = 'a'\n"));
    expect(normalizeText("x = 1   \ny = 2")).toBe("x = 1   \ny = 2");
  });

  it("hashes JSON values by content, not key order", () => {
    expect(jsonContentId({ a: 1, b: [2n] })).toBe(jsonContentId({ b: [2n], a: 1 }));
    expect(jsonContentId([1, 2])).not.toBe(jsonContentId([2, 1]));
  });
});
