/**
 * Maps byte strings (ids read from a file) to dense indices without creating a JS string per
 * lookup: FNV-1a hash, open addressing, keys kept in one growing byte buffer. Strings are made
 * only once per distinct id.
 */
export class ByteInterner {
  private slots = new Int32Array(1 << 12).fill(-1);
  private hashes = new Int32Array(1 << 10);
  private keyStart = new Int32Array((1 << 10) + 1);
  private keys = Buffer.alloc(1 << 14);
  readonly values: string[] = [];

  get size(): number {
    return this.values.length;
  }

  /** Index of the id in buffer[start, end), adding it if new. */
  intern(buffer: Buffer, start: number, end: number): number {
    let h = 0x811c9dc5;
    for (let k = start; k < end; k++) h = Math.imul(h ^ (buffer[k] as number), 0x01000193);
    const mask = this.slots.length - 1;
    let slot = h & mask;
    const length = end - start;
    for (;;) {
      const index = this.slots[slot] as number;
      if (index < 0) break;
      if (this.hashes[index] === h) {
        const ks = this.keyStart[index] as number;
        if ((this.keyStart[index + 1] as number) - ks === length) {
          let k = 0;
          while (k < length && this.keys[ks + k] === buffer[start + k]) k++;
          if (k === length) return index;
        }
      }
      slot = (slot + 1) & mask;
    }
    const index = this.values.length;
    this.values.push(buffer.toString('utf8', start, end));
    if (index + 2 > this.hashes.length) {
      this.hashes = grow(this.hashes, this.hashes.length * 2);
      this.keyStart = grow(this.keyStart, this.keyStart.length * 2);
    }
    const at = this.keyStart[index] as number;
    if (at + length > this.keys.length) {
      const keys = Buffer.alloc(Math.max(this.keys.length * 2, at + length));
      this.keys.copy(keys, 0, 0, at);
      this.keys = keys;
    }
    buffer.copy(this.keys, at, start, end);
    this.keyStart[index + 1] = at + length;
    this.hashes[index] = h;
    this.slots[slot] = index;
    if (this.values.length * 2 > this.slots.length) this.rehash();
    return index;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(-1);
    const mask = slots.length - 1;
    for (let index = 0; index < this.values.length; index++) {
      let slot = (this.hashes[index] as number) & mask;
      while ((slots[slot] as number) >= 0) slot = (slot + 1) & mask;
      slots[slot] = index;
    }
    this.slots = slots;
  }
}

function grow(array: Int32Array, size: number): Int32Array<ArrayBuffer> {
  const next = new Int32Array(size);
  next.set(array);
  return next;
}
