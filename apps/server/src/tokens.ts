import { readFile } from "node:fs/promises";
import { CodermError } from "@coderm/core";
import { z } from "zod";
import type { ServiceToken } from "./settings.js";

const tokenSchema = z
  .object({
    token: z.string().min(16, "a token has at least 16 characters"),
    name: z.string().min(1),
    concurrency: z.number().int().positive().optional(),
    ratePerSecond: z.number().positive().optional(),
  })
  .strict();

function plainToken(text: string, index: number, where: { file?: string; field?: string }) {
  const separator = text.indexOf(":");
  const token = separator === -1 ? text : text.slice(separator + 1);
  const name = separator === -1 ? `token-${index + 1}` : text.slice(0, separator);
  const parsed = tokenSchema.safeParse({ token, name });
  if (!parsed.success)
    throw new CodermError("invalid-input", parsed.error.issues[0]!.message, {
      ...where,
      ...(where.file === undefined ? {} : { line: index + 1 }),
    });
  return parsed.data;
}

/**
 * The tokens of a service: from a file (a JSON list of `{token, name, concurrency?,
 * ratePerSecond?}`, or one `token` or `name:token` a line) and from an environment variable's
 * value (`name:token` or `token`, comma-separated). Errors name the file and line, or the
 * variable; tokens themselves never appear in them.
 */
export async function readTokens(
  options: { file?: string; environment?: { name: string; value: string | undefined } } = {},
): Promise<ServiceToken[]> {
  const tokens: ServiceToken[] = [];
  if (options.file !== undefined) {
    let text: string;
    try {
      text = await readFile(options.file, "utf8");
    } catch (cause) {
      throw new CodermError("io-error", `cannot read the tokens file: ${String(cause)}`, {
        file: options.file,
        cause,
      });
    }
    if (text.trimStart().startsWith("[")) {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (cause) {
        throw new CodermError("parse-error", "the tokens file is not valid JSON", {
          file: options.file,
          cause,
        });
      }
      const parsed = z.array(tokenSchema).safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new CodermError("invalid-input", issue.message, {
          file: options.file,
          field: issue.path.join("."),
        });
      }
      tokens.push(...parsed.data);
    } else {
      text.split("\n").forEach((line, index) => {
        const trimmed = line.trim();
        if (trimmed !== "" && !trimmed.startsWith("#"))
          tokens.push(plainToken(trimmed, index, { file: options.file! }));
      });
    }
  }
  const environment = options.environment;
  if (environment?.value !== undefined) {
    const parts = environment.value
      .split(",")
      .map((part) => part.trim())
      .filter((part) => part !== "");
    parts.forEach((part, index) => {
      tokens.push(plainToken(part, index, { field: environment.name }));
    });
  }
  const names = new Set<string>();
  for (const token of tokens) {
    if (names.has(token.name))
      throw new CodermError("invalid-input", `two tokens are named "${token.name}"`, {
        ...(options.file === undefined ? {} : { file: options.file }),
      });
    names.add(token.name);
  }
  return tokens;
}
