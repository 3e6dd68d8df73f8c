/**
 * Streams a file line by line as byte ranges (no string per line), so that wide files with
 * thousands of columns and long files with millions of rows load quickly and in bounded memory.
 */
import { createReadStream } from 'node:fs';

export type LineHandler = (buffer: Buffer, start: number, end: number, lineNumber: number) => void;

/** Calls `onLine` for every line (1-based numbers, without the line break and a trailing \r). */
export async function forEachLine(path: string, onLine: LineHandler): Promise<number> {
  let carry: Buffer | null = null;
  let lineNumber = 0;
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  for await (const piece of stream as AsyncIterable<Buffer>) {
    const chunk: Buffer = carry === null ? piece : Buffer.concat([carry, piece]);
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(10, start);
      if (newline < 0) break;
      const end = newline > start && chunk[newline - 1] === 13 ? newline - 1 : newline;
      onLine(chunk, start, end, ++lineNumber);
      start = newline + 1;
    }
    carry = start < chunk.length ? chunk.subarray(start) : null;
  }
  if (carry !== null && carry.length > 0) {
    const end = carry[carry.length - 1] === 13 ? carry.length - 1 : carry.length;
    onLine(carry, 0, end, ++lineNumber);
  }
  return lineNumber;
}
