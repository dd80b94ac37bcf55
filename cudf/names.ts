/**
 * The integer tables of a CUDF universe, built by the reader in its one pass over the document's
 * bytes: names interned to integers (an open-addressing hash table over their bytes, so that no
 * string is made for a name until someone asks for it), the packages of each name and the
 * features of each name as linked lists in typed arrays. Debian's universe has 63,000 packages
 * and 130,000 provided features: as objects and string-keyed maps they cost more than solving.
 */

/**
 * The text of `bytes[from, to)`. The reader's bytes are Node Buffers; the public types say
 * Uint8Array, so that the library's declarations need no Node types.
 */
export function decode(bytes: Uint8Array, from: number, to: number, latin1 = false): string {
  return (bytes as Buffer).toString(latin1 ? "latin1" : "utf8", from, to);
}

/** A growable array of 32-bit integers. */
export class IntList {
  data: Int32Array;
  length = 0;

  constructor(capacity = 1024) {
    this.data = new Int32Array(capacity);
  }

  push(value: number): number {
    if (this.length === this.data.length) {
      const bigger = new Int32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length] = value;
    return this.length++;
  }

  /** The array, with room for `n` more values after `length` (one check for several writes). */
  room(n: number): Int32Array {
    if (this.length + n > this.data.length) {
      const bigger = new Int32Array(Math.max(this.data.length * 2, this.length + n));
      bigger.set(this.data);
      this.data = bigger;
    }
    return this.data;
  }
}

/**
 * Mixes the high bits of an FNV-1a hash into its low ones, which pick the slot: multiplying
 * carries bits only upwards, and names differing in their first bytes (Debian's share a long
 * `%3aamd64` suffix) collided in the low bits.
 */
export function mix(h: number): number {
  const x = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  return x ^ (x >>> 16);
}

/** The hash of a name's bytes (FNV-1a, mixed). */
export function hashBytes(bytes: Uint8Array, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return mix(h);
}

/** The hash of a name (as `hashBytes` of its ASCII bytes); 0 when it is not ASCII. */
export function hashString(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c > 127) return 0;
    h = Math.imul(h ^ c, 0x01000193);
  }
  return mix(h);
}

/** Whether `name` is spelled by `bytes[from, to)`. */
export function sameName(name: string, bytes: Uint8Array, from: number, to: number): boolean {
  if (to - from !== name.length) return false;
  for (let i = 0; i < name.length; i++) if (bytes[from + i] !== name.charCodeAt(i)) return false;
  return true;
}

/** Package names (and the names of constraints read), interned: each gets the next integer. */
export class NameTable {
  /** Open addressing: name id + 1, 0 for an empty slot. */
  private slots = new Int32Array(1 << 17);
  private hashes = new IntList(1 << 16);
  /** The bytes of every name, one after another. */
  private pool = Buffer.alloc(1 << 20);
  private poolLength = 0;
  private readonly offsets = new IntList(1 << 16);
  private readonly lengths = new IntList(1 << 16);
  private readonly strings: (string | undefined)[] = [];

  /** Number of names. */
  get size(): number {
    return this.offsets.length;
  }

  /** The id of the name in `bytes[from, to)` (`h`: its `hashBytes`), interning it if new. */
  intern(bytes: Uint8Array, from: number, to: number, h = hashBytes(bytes, from, to)): number {
    const mask = this.slots.length - 1;
    const length = to - from;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const slot = this.slots[s]!;
      if (slot === 0) return this.add(bytes, from, to, h, s);
      const id = slot - 1;
      if (this.hashes.data[id] === h && this.lengths.data[id] === length) {
        const at = this.offsets.data[id]!;
        let same = true;
        for (let i = 0; i < length; i++)
          if (this.pool[at + i] !== bytes[from + i]) {
            same = false;
            break;
          }
        if (same) return id;
      }
    }
  }

  /** The id of `name`, or -1 when no package has it (`h`: its `hashString`, if known). */
  find(name: string, h = hashString(name)): number {
    const mask = this.slots.length - 1;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const slot = this.slots[s]!;
      if (slot === 0) return -1;
      const id = slot - 1;
      if (this.hashes.data[id] === h && this.lengths.data[id] === name.length) {
        const at = this.offsets.data[id]!;
        let same = true;
        for (let i = 0; i < name.length; i++)
          if (this.pool[at + i] !== name.charCodeAt(i)) {
            same = false;
            break;
          }
        if (same) return id;
      }
    }
  }

  /** The name with this id. */
  name(id: number): string {
    let s = this.strings[id];
    if (s === undefined) {
      const at = this.offsets.data[id]!;
      s = this.pool.toString("latin1", at, at + this.lengths.data[id]!);
      this.strings[id] = s;
    }
    return s;
  }

  private add(bytes: Uint8Array, from: number, to: number, hash: number, slot: number): number {
    const length = to - from;
    if (this.poolLength + length > this.pool.length) {
      const bigger = Buffer.alloc(Math.max(this.pool.length * 2, this.poolLength + length));
      bigger.set(this.pool);
      this.pool = bigger;
    }
    const pool = this.pool;
    for (let i = 0, at = this.poolLength; i < length; i++) pool[at + i] = bytes[from + i]!;
    const id = this.offsets.push(this.poolLength);
    this.poolLength += length;
    this.lengths.push(length);
    this.hashes.push(hash);
    this.slots[slot] = id + 1;
    if (2 * this.size > this.slots.length) this.rehash();
    return id;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let id = 0; id < this.size; id++) {
      let s = this.hashes.data[id]! & mask;
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = id + 1;
    }
    this.slots = slots;
  }
}

/** Integers per feature entry in `NameIndex`. */
const FEATURE_FIELDS = 5;

/** `keep` values by their code in `NameIndex.flags` (bits 2 and 3). */
export const KEEP_CODES = ["none", "version", "package", "feature"] as const;

/**
 * The universe's tables: per package (by id, in document order) what solving reads of it,
 * as arrays of numbers rather than an object each (the reader makes 63,000 of them and a
 * request reaches a few thousand); and by name id the packages called so (a list per name,
 * linked through `previousOfName`) and the features provided (entries of package and version,
 * -1 for every version, linked per feature name).
 */
export class NameIndex {
  readonly names = new NameTable();
  /** Per package: its name id, and the previous package of the same name (-1 ends). */
  readonly packageName = new IntList(1 << 16);
  readonly previousOfName = new IntList(1 << 16);
  readonly version: number[] = [];
  /** Per package: installed (bit 0), was-installed (bit 1), the `KEEP_CODES` index (bits 2–3). */
  readonly flags = new IntList(1 << 16);
  /** Per package: the line of its `package:`, the offsets of its stanza in the document. */
  readonly line = new IntList(1 << 16);
  readonly start = new IntList(1 << 16);
  readonly end = new IntList(1 << 16);
  /**
   * Per package, six offsets: where its depends, conflicts and provides values start and end
   * (-1: absent) in the document's bytes, or in `values[source - 1]` when `source` is not 0.
   */
  readonly relations = new IntList(1 << 18);
  readonly source = new IntList(1 << 16);
  /** The values of stanzas the general reader read (a continued value is no slice). */
  readonly values: Uint8Array[] = [];
  /** Per name id: the last package of that name (-1: none). */
  readonly lastOfName = new IntList(1 << 16);
  /**
   * The provided features, by the hash of their name (a chained table: feature names are not
   * interned, Debian's 130,000 are nearly all distinct and a request looks up a few thousand).
   * Per entry: the package, the version (-1: every version), where the name is in the
   * package's bytes, its hash, and the next entry of its bucket (-1 ends).
   */
  private readonly buckets = new Int32Array(1 << 18).fill(-1);
  /**
   * Per entry, `FEATURE_FIELDS` integers in one array (one bounds check and no call per field:
   * Debian provides 130,000 features): package, from, to, hash, next in bucket.
   */
  private entries = new Int32Array(FEATURE_FIELDS << 17);
  /** Number of feature entries. */
  featureCount = 0;
  /** Per entry: the version (-1: every version; versions need not fit 32 bits). */
  readonly featureVersion: number[] = [];
  /** Name ids of the packages, in the order of their first package. */
  readonly packageNames: number[] = [];

  /** The id of the name in `bytes[from, to)` (`hash`: its `hashBytes`), its list head made. */
  name(bytes: Uint8Array, from: number, to: number, hash?: number): number {
    const id = this.names.intern(bytes, from, to, hash);
    while (this.lastOfName.length <= id) this.lastOfName.push(-1);
    return id;
  }

  /** Adds package `id` (ids come in order) to its name's list. */
  addPackage(id: number, name: number): void {
    this.packageName.push(name);
    const last = this.lastOfName.data[name]!;
    if (last === -1) this.packageNames.push(name);
    this.previousOfName.push(last);
    this.lastOfName.data[name] = id;
  }

  /**
   * Records package `id`'s flags, line, stanza offsets and values' source (ids come in order):
   * the five lists grow together, so one check of room serves them (a call per field cost more
   * than the writes).
   */
  addPackageFields(
    id: number,
    flags: number,
    line: number,
    start: number,
    end: number,
    source: number,
  ): void {
    if (id >= this.flags.data.length)
      for (const list of [this.flags, this.line, this.start, this.end, this.source])
        list.room(id + 1 - list.length);
    this.flags.data[id] = flags;
    this.line.data[id] = line;
    this.start.data[id] = start;
    this.end.data[id] = end;
    this.source.data[id] = source;
    const length = id + 1;
    this.flags.length = length;
    this.line.length = length;
    this.start.length = length;
    this.end.length = length;
    this.source.length = length;
  }

  /** Records a package's six relation offsets (see `relations`). */
  addRelations(d0: number, d1: number, c0: number, c1: number, p0: number, p1: number): void {
    const r = this.relations;
    const data = r.room(6);
    const at = r.length;
    data[at] = d0;
    data[at + 1] = d1;
    data[at + 2] = c0;
    data[at + 3] = c1;
    data[at + 4] = p0;
    data[at + 5] = p1;
    r.length = at + 6;
  }

  /**
   * Adds the feature named by `[from, to)` of the package's bytes (`hash`: its `hashBytes`),
   * at `version` (-1 for every version), provided by package `id`.
   */
  addFeature(id: number, from: number, to: number, hash: number, version: number): void {
    const bucket = hash & (this.buckets.length - 1);
    const e = this.featureCount++;
    let entries = this.entries;
    const at = e * FEATURE_FIELDS;
    if (at + FEATURE_FIELDS > entries.length) {
      entries = new Int32Array(entries.length * 2);
      entries.set(this.entries);
      this.entries = entries;
    }
    entries[at] = id;
    entries[at + 1] = from;
    entries[at + 2] = to;
    entries[at + 3] = hash;
    entries[at + 4] = this.buckets[bucket]!;
    this.buckets[bucket] = e;
    this.featureVersion.push(version);
  }

  /** The package of feature entry `e`. */
  featurePackage(e: number): number {
    return this.entries[e * FEATURE_FIELDS]!;
  }

  /** The document's bytes (set by the reader). */
  bytes: Uint8Array = new Uint8Array(0);

  /** The bytes holding package `id`'s values: the document's, or those `source` names. */
  packageBytes(id: number): Uint8Array {
    const source = this.source.data[id]!;
    return source === 0 ? this.bytes : this.values[source - 1]!;
  }

  /** The entries of the features called `name` (`hash`: its `hashString`, if known). */
  features(name: string, hash = hashString(name)): number[] {
    const out: number[] = [];
    for (
      let e = this.buckets[hash & (this.buckets.length - 1)]!;
      e !== -1;
      e = this.entries[e * FEATURE_FIELDS + 4]!
    ) {
      const at = e * FEATURE_FIELDS;
      if (this.entries[at + 3] !== hash) continue;
      const bytes = this.packageBytes(this.entries[at]!);
      if (sameName(name, bytes, this.entries[at + 1]!, this.entries[at + 2]!)) out.push(e);
    }
    return out;
  }
}
