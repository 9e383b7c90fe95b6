/** Every failure coderm reports, as a string literal a caller can switch on. */
export type CodermErrorCode =
  | "invalid-input"
  | "parse-error"
  | "not-found"
  | "checksum-mismatch"
  | "download-failed"
  | "io-error"
  | "unsupported"
  | "unavailable"
  | "cancelled"
  | "timeout"
  | "budget-exhausted"
  | "rejected"
  | "internal";

/** Where bad input was found: any of a file, a 1-based line, a field path and an item id. */
export interface CodermErrorLocation {
  file?: string;
  line?: number;
  field?: string;
  item?: string;
}

/** Options of {@link CodermError}. */
export interface CodermErrorOptions extends CodermErrorLocation {
  cause?: unknown;
  /** Extra machine-readable facts (expected and actual hashes, endpoints, ...). */
  details?: Record<string, unknown>;
}

const marker = Symbol.for("coderm.error");

/**
 * The one error class of coderm. Its message already names the file, line, field or item it is
 * about, so a command can print it as is; `code` says what kind of failure it is.
 */
export class CodermError extends Error {
  readonly [marker] = true;
  readonly code: CodermErrorCode;
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly field: string | undefined;
  readonly item: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: CodermErrorCode, message: string, options: CodermErrorOptions = {}) {
    super(
      formatMessage(message, options),
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = "CodermError";
    this.code = code;
    this.file = options.file;
    this.line = options.line;
    this.field = options.field;
    this.item = options.item;
    this.details = options.details;
  }

  /** True for any CodermError, also one created by another copy of this package. */
  static isInstance(value: unknown): value is CodermError {
    return (
      typeof value === "object" &&
      value !== null &&
      (value as { [marker]?: unknown })[marker] === true
    );
  }
}

function formatMessage(message: string, location: CodermErrorLocation): string {
  const where =
    location.file === undefined
      ? ""
      : location.line === undefined
        ? location.file
        : `${location.file}:${location.line}`;
  const parts = [
    where,
    location.item === undefined ? "" : `item ${location.item}`,
    location.field === undefined ? "" : `field "${location.field}"`,
  ].filter((part) => part !== "");
  return parts.length === 0 ? message : `${parts.join(", ")}: ${message}`;
}
