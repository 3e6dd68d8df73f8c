/**
 * Streams a file line by line as byte ranges (no string per line), so that wide files with
 * thousands of columns and long files with millions of rows load quickly and in bounded memory.
 * A file of up to WHOLE_FILE_BYTES is read as one buffer (no chunks to join, one allocation).
 */
import { open } from 'node:fs/promises';

export type LineHandler = (buffer: Buffer, start: number, end: number, lineNumber: number) => void;

/** Files up to this size are read at once; larger ones are streamed in 1 MB chunks. */
export const WHOLE_FILE_BYTES = 64 << 20;

/**
 * Calls `onLine` for every line (1-based numbers, without the line break and a trailing \r).
 * `onSize`, if given, learns the file's size in bytes before the first line (a hint to size arrays).
 */
export async function forEachLine(path: string, onLine: LineHandler, onSize?: (bytes: number) => void): Promise<number> {
  const handle = await open(path, 'r');
  try {
    const stats = await handle.stat();
    if (stats.isFile()) onSize?.(stats.size);
    if (stats.isFile() && stats.size <= WHOLE_FILE_BYTES) {
      const whole = await handle.readFile();
      const rest = linesOf(whole, 0, onLine);
      return finish(whole.subarray(rest.start), rest.lineNumber, onLine);
    }
    let carry: Buffer | null = null;
    let lineNumber = 0;
    for await (const piece of handle.createReadStream({ highWaterMark: 1 << 20, autoClose: false }) as AsyncIterable<Buffer>) {
      const chunk: Buffer = carry === null ? piece : Buffer.concat([carry, piece]);
      const rest = linesOf(chunk, lineNumber, onLine);
      lineNumber = rest.lineNumber;
      carry = rest.start < chunk.length ? chunk.subarray(rest.start) : null;
    }
    return finish(carry, lineNumber, onLine);
  } finally {
    await handle.close();
  }
}

/** The complete lines of `chunk`; returns where the unfinished last line starts and the last line's number. */
function linesOf(chunk: Buffer, lineNumber: number, onLine: LineHandler): { start: number; lineNumber: number } {
  let start = 0;
  for (;;) {
    const newline = chunk.indexOf(10, start);
    if (newline < 0) break;
    const end = newline > start && chunk[newline - 1] === 13 ? newline - 1 : newline;
    onLine(chunk, start, end, ++lineNumber);
    start = newline + 1;
  }
  return { start, lineNumber };
}

function finish(carry: Buffer | null, lineNumber: number, onLine: LineHandler): number {
  if (carry !== null && carry.length > 0) {
    const end = carry[carry.length - 1] === 13 ? carry.length - 1 : carry.length;
    onLine(carry, 0, end, ++lineNumber);
  }
  return lineNumber;
}
