/** Largest frame either side accepts (the harness refuses larger ones too). */
export const maxFrameBytes = 512 * 1024 * 1024;

/** Encodes one protocol frame: a 4-byte big-endian length, then the UTF-8 JSON text. */
export function encodeFrame(json: string): Buffer {
  const body = Buffer.from(json, "utf8");
  const frame = Buffer.allocUnsafe(4 + body.length);
  frame.writeUInt32BE(body.length, 0);
  body.copy(frame, 4);
  return frame;
}

/** Splits a byte stream into frames; feed it chunks as they arrive. */
export class FrameDecoder {
  #buffer: Buffer = Buffer.alloc(0);

  /** Adds a chunk and returns the text of every frame it completes. */
  push(chunk: Buffer): string[] {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const frames: string[] = [];
    let offset = 0;
    while (this.#buffer.length - offset >= 4) {
      const length = this.#buffer.readUInt32BE(offset);
      if (length > maxFrameBytes)
        throw new RangeError(`frame of ${length} bytes exceeds the limit`);
      if (this.#buffer.length - offset - 4 < length) break;
      frames.push(this.#buffer.toString("utf8", offset + 4, offset + 4 + length));
      offset += 4 + length;
    }
    this.#buffer = offset === this.#buffer.length ? Buffer.alloc(0) : this.#buffer.subarray(offset);
    return frames;
  }
}
