import { open } from "node:fs/promises";

const blockSize = 512;

/** One entry of a tar archive written by {@link tarEntry}: a regular file or a directory. */
export interface TarEntry {
  /** Path inside the archive (at most 100 bytes); directories end with "/". */
  name: string;
  /** File content; absent for a directory. */
  data?: Buffer;
  /** Permission bits (0o644 for files, 0o755 for directories by default). */
  mode?: number;
}

/**
 * The bytes of one ustar entry (header, content, padding), owned by root, dated at the epoch so
 * the same input gives the same bytes.
 */
export function tarEntry(entry: TarEntry): Buffer {
  const directory = entry.data === undefined;
  const data = entry.data ?? Buffer.alloc(0);
  const name = Buffer.from(entry.name, "utf8");
  if (name.length > 100)
    throw new RangeError(`tar entry name longer than 100 bytes: ${entry.name}`);
  const header = Buffer.alloc(blockSize);
  name.copy(header, 0);
  writeOctal(header, 100, 8, entry.mode ?? (directory ? 0o755 : 0o644));
  writeOctal(header, 108, 8, 0);
  writeOctal(header, 116, 8, 0);
  writeOctal(header, 124, 12, data.length);
  writeOctal(header, 136, 12, 0);
  header.fill(" ", 148, 156);
  header.write(directory ? "5" : "0", 156, "ascii");
  header.write("ustar\u000000", 257, "ascii");
  header.write("root", 265, "ascii");
  header.write("root", 297, "ascii");
  let checksum = 0;
  for (const byte of header) checksum += byte;
  header.write(`${checksum.toString(8).padStart(6, "0")}\u0000 `, 148, "ascii");
  const padding = Buffer.alloc((blockSize - (data.length % blockSize)) % blockSize);
  return Buffer.concat([header, data, padding]);
}

/** The end-of-archive marker: two zero blocks. */
export function tarTrailer(): Buffer {
  return Buffer.alloc(2 * blockSize);
}

/** A whole archive of the given entries. */
export function tarArchive(entries: readonly TarEntry[]): Buffer {
  return Buffer.concat([...entries.map(tarEntry), tarTrailer()]);
}

/**
 * The byte offset where the archive at `path` ends (its first zero header block), so entries can
 * be appended by copying the bytes before it. Understands ustar, GNU and pax archives (long names
 * and pax headers are entries with content like any other).
 */
export async function tarContentLength(path: string): Promise<number> {
  const file = await open(path, "r");
  try {
    const { size } = await file.stat();
    const header = Buffer.alloc(blockSize);
    let offset = 0;
    while (offset + blockSize <= size) {
      const { bytesRead } = await file.read(header, 0, blockSize, offset);
      if (bytesRead < blockSize || header.every((byte) => byte === 0)) return offset;
      const type = String.fromCharCode(header[156]!);
      const length = "123456".includes(type) ? 0 : readSize(header);
      offset += blockSize + Math.ceil(length / blockSize) * blockSize;
    }
    return Math.min(offset, size);
  } finally {
    await file.close();
  }
}

function writeOctal(header: Buffer, offset: number, width: number, value: number): void {
  header.write(`${value.toString(8).padStart(width - 1, "0")}\u0000`, offset, width, "ascii");
}

/** The size field: octal text, or GNU's base-256 form for sizes of 8 GiB and more. */
function readSize(header: Buffer): number {
  const field = header.subarray(124, 136);
  if ((field[0]! & 0x80) !== 0) {
    let value = field[0]! & 0x7f;
    for (const byte of field.subarray(1)) value = value * 256 + byte;
    return value;
  }
  const text = field.toString("ascii").split("\0")[0]!.trim();
  return text === "" ? 0 : Number.parseInt(text, 8);
}
