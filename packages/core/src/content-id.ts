import { createHash } from "node:crypto";
import { canonicalJson } from "./json.js";

/**
 * Normalizes text before hashing: a leading byte-order mark is dropped, CRLF and CR become LF, and
 * trailing whitespace at the very end is removed. Nothing that can change what a program does is
 * touched (indentation and whitespace inside lines stay).
 */
export function normalizeText(text: string): string {
  let result = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (result.includes("\r")) result = result.replace(/\r\n?/g, "\n");
  return result.trimEnd();
}

/** The content id of a text: sha256 hex of its normalized form, so duplicates collapse. */
export function contentId(text: string): string {
  return createHash("sha256").update(normalizeText(text)).digest("hex");
}

/** The content id of a JSON-like value, independent of object key order. */
export function jsonContentId(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex");
}

/** sha256 hex of raw bytes or text, with no normalization. */
export function sha256(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}
