/**
 * The load cache: constraint files already parsed and checked, kept in one file per constraints
 * directory, so that an unchanged repository is not parsed again and a changed file is re-read
 * alone.
 *
 * Parsing TOML with positions (`toml.ts`) and checking each file is most of a load; a
 * file's result depends only on its bytes, so it is cached per file. Our own format, not a
 * serialiser: a `Package` holds `Version` and `VersionRange` instances and `Spec` objects shared
 * between files, which JSON and structured clone would flatten. Versions and specs are stored as
 * their canonical text and read back with the parsers that made them; positions as [line, column].
 *
 * A file is taken from the cache when its size, mtime, inode and change time are the ones
 * recorded (as git's index does: anyone can set an mtime back, not a change time; a file changed
 * in the two seconds before the cache was written, when another write could follow unseen, is
 * recorded without them), else when the sha256 of its bytes is. The cache file names
 * the pthbs version and the directory it covers; anything else — another version, a foreign or
 * truncated file, an entry of the wrong shape — is ignored and written anew, never trusted. The
 * checks between files run on every load.
 */
import { createHash, randomBytes } from "node:crypto";
import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  type Stats,
  statSync,
  writeSync,
} from "node:fs";
import { availableParallelism, endianness } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { type Diagnostic, PthbsError, type SourceLocation } from "../common/errors.js";
import type { OptionValue } from "../common/options.js";
import { checkConstraintFile } from "./constraint-file.js";
import { NotFoundError } from "./errors.js";
import { type CheckedFile, type LoadResult, linkConstraintFiles, sortDiagnostics } from "./link.js";
import { printSpec, type Spec, SpecTable } from "./spec.js";
import {
  type Conflict,
  DEPENDENCY_TYPES,
  type Dependency,
  type DependencyType,
  type Package,
  type PackageOption,
  type PackageVersion,
  type Provider,
  type Provision,
  type Source,
} from "./universe.js";

/** Where and for which pthbs the cache lives. */
export interface LoadCacheOptions {
  /** The cache directory (`defaultCacheDir`). */
  readonly dir: string;
  /** The pthbs version: a cache written by another version is not used. */
  readonly version: string;
}

/** The names a request mentions, from which a load may read back only what they reach. */
export interface ConeRoots {
  /** Names that must be packages or virtuals (else the whole directory is read, for the errors). */
  readonly names: readonly string[];
  /** Names of externals and what they provide: followed when they are packages or virtuals. */
  readonly externals?: readonly string[];
  /** Names that must be virtuals (provider preferences), else the whole directory is read. */
  readonly virtuals?: readonly string[];
}

/** A load, and how much of it the cache answered. */
export interface CachedLoadResult extends LoadResult {
  /** Files parsed and checked in this load (changed, new, or not in the cache). */
  readonly parsed: number;
  /** Files taken from the cache. */
  readonly cached: number;
  /** Of the files parsed, those parsed on a worker thread. */
  readonly parsedOnWorker: number;
}

/**
 * `$PTHBS_CACHE_DIR`, else `$XDG_CACHE_HOME/pthbs`, else `$HOME/.cache/pthbs`; undefined when the
 * environment names none of them (no cache then).
 */
export function defaultCacheDir(
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  if (env.PTHBS_CACHE_DIR) return env.PTHBS_CACHE_DIR;
  if (env.XDG_CACHE_HOME?.startsWith("/")) return join(env.XDG_CACHE_HOME, "pthbs");
  if (env.HOME) return join(env.HOME, ".cache", "pthbs");
  return undefined;
}

/**
 * The file: this line, the header's length in bytes and a newline, the header (`DiskHeader`:
 * JSON, one array per field: names, the length of each package's text, its name and the names it
 * refers to; the diagnostics and provided virtuals of the files that have some), the
 * files' stats (`STAT_BYTES` each: size, mtime, inode and change time as little-endian doubles,
 * as JSON numbers were a third of the header and of its parse), their sha256 digests
 * (`DIGEST_BYTES` each, raw: in hex they were half the header), then the
 * packages' texts one after another — so a load parses the small header and only the packages
 * it needs.
 */
// 7: TOML read by smol-toml, whose syntax errors are worded otherwise than toml-eslint-parser's.
// 8: the names a package refers to as one string; provided virtuals only for files with some;
// the digests raw, in a block of their own.
const FORMAT = "pthbs-load-cache 8";
const STAT_BYTES = 32;
/** A file's sha256, raw, in the block after the stats. */
const DIGEST_BYTES = 32;
/** A file modified this recently may change again within its mtime's resolution unseen. */
const RACY_MS = 2_000;

/** What stands for an absent optional string in a wire package. */
type Absent = 0;
/** A source: url (0) or git (1), its URL, sha256 or commit, file name, line and column. */
type WireSource = readonly [
  kind: 0 | 1,
  url: string,
  digest: string,
  filename: string | Absent,
  line: number,
  column: number,
];
/**
 * A package as the cache keeps it: arrays, not objects with keys (half the text and half the
 * parse of a warm load's cone), conditions and specs as their canonical text. The dependencies,
 * the most numerous entries, are one flat list of five items each: spec, condition, types
 * (`typesKey`), line, column.
 */
type WirePackage = readonly [
  name: string,
  summary: string | Absent,
  homepage: string | Absent,
  recipe: string,
  line: number,
  column: number,
  provides: readonly (readonly [
    virtual: string,
    when: string | Absent,
    line: number,
    column: number,
  ])[],
  options: readonly (readonly [
    name: string,
    values: readonly OptionValue[],
    kind: 0 | 1,
    defaultValue: OptionValue,
    summary: string | Absent,
    when: string | Absent,
    line: number,
    column: number,
  ])[],
  versions: readonly (readonly [
    version: string,
    source: WireSource,
    resources: readonly WireSource[],
    deprecated: 0 | 1,
    line: number,
    column: number,
  ])[],
  depends: readonly (string | number)[],
  conflicts: readonly (readonly [
    spec: string,
    when: string | Absent,
    message: string | Absent,
    line: number,
    column: number,
  ])[],
];
/** Items per dependency in `WirePackage`'s flat list. */
const DEPENDENCY_ITEMS = 5;
/** A dependency's types as the wire writes them. */
const typesKey = (types: readonly DependencyType[]) => types.join(",");
/**
 * Every list of dependency types (non-empty, sorted, without repeats) by its key, shared by the
 * dependencies read back: immutable, and a load reads tens of thousands.
 */
const TYPE_LISTS: ReadonlyMap<string, readonly DependencyType[]> = new Map(
  [1, 2, 3, 4, 5, 6, 7].map((bits) => {
    const types = DEPENDENCY_TYPES.filter((_, i) => bits & (1 << i));
    return [typesKey(types), types] as const;
  }),
);

/** An `IndexEntry`'s fields as a parse worker sends them and the cache file keeps them. */
interface IndexFields {
  readonly name: string;
  /** Packages and virtuals its dependencies and conflicts name, sorted, separated by spaces. */
  readonly refs: string;
  /** Virtuals it provides. */
  readonly provides: readonly string[];
}

/**
 * What the cone of a request needs of a package without reading it back: its names. The names it
 * refers to stay one string until read: a load makes an entry for each of a big repository's
 * files (their lists as arrays were 50,000 strings at 7,000 files), and a cone reads a few.
 */
class IndexEntry implements IndexFields {
  private split: readonly string[] | undefined;

  constructor(
    readonly name: string,
    readonly refs: string,
    readonly provides: readonly string[],
  ) {}

  /** Packages and virtuals its dependencies and conflicts name, sorted. */
  get names(): readonly string[] {
    // Package and virtual names have no spaces (`NAME_RE`).
    this.split ??= this.refs === "" ? NO_NAMES : this.refs.split(" ");
    return this.split;
  }
}

const NO_NAMES: readonly string[] = [];
interface Entry {
  readonly size: number;
  /** -1: not to be trusted (written too recently); hash the file. */
  readonly mtimeMs: number;
  /** The inode and change time too, as git's index keeps: mtime can be set by anyone, ctime not. */
  readonly ino: number;
  readonly ctimeMs: number;
  readonly sha256: string;
  readonly diagnostics: readonly Diagnostic[];
  /** The package as JSON text (`WirePackage`), read and decoded only when it is needed. */
  readonly package?: PackageText;
  readonly index?: IndexEntry;
}

/**
 * An entry as the cache file holds it, its hash read from the file's digests when asked for: a
 * warm load compares hashes only for files whose stat changed (their hex was half the header).
 * A class, so spread it with `restat`: a getter is not copied.
 */
class CachedEntry implements Entry {
  readonly package: PackageText | undefined;

  constructor(
    readonly size: number,
    readonly mtimeMs: number,
    readonly ino: number,
    readonly ctimeMs: number,
    private readonly digests: Buffer,
    private readonly at: number,
    readonly diagnostics: readonly Diagnostic[],
    text: PackageText | undefined,
    readonly index: IndexEntry | undefined,
  ) {
    this.package = text;
  }

  get sha256(): string {
    return this.digests.toString("hex", this.at, this.at + DIGEST_BYTES);
  }
}

/** `entry` with another stat. */
function restat(entry: Entry, stat: FileStat): Entry {
  return {
    ...stat,
    sha256: entry.sha256,
    diagnostics: entry.diagnostics,
    ...(entry.package && { package: entry.package, index: entry.index }),
  };
}

/** A package's text: just made, or where it sits in the cache file (read on demand). */
interface PackageText {
  readonly length: number;
  read(): Buffer;
}
/**
 * Reads `length` bytes of the cache file from `position` (fewer at its end), into `into` when
 * it is big enough.
 */
type ReadAt = (position: number, length: number, into?: Buffer) => Buffer;
/**
 * A package's text where it sits in the cache file. A class, not a closure per text: a load
 * makes one for each of a big repository's files.
 */
class CachedText implements PackageText {
  constructor(
    readonly length: number,
    readonly position: number,
    readonly file: ReadAt,
  ) {}

  read(): Buffer {
    return this.file(this.position, this.length);
  }
}
const inMemory = (bytes: Buffer): PackageText => ({ length: bytes.length, read: () => bytes });
interface CacheFile {
  readonly format: string;
  readonly pthbs: string;
  readonly dir: string;
  readonly files: Record<string, Entry>;
  /** The checks between files, and the files (names and hashes) they covered. */
  readonly link?: { readonly key: string; readonly diagnostics: readonly Diagnostic[] };
  /** Closes the file the package texts are read from. */
  readonly close?: () => void;
}

/**
 * Reads and checks a constraints directory like `loadConstraints`, through the cache; the result
 * is the same as without it. With `roots` (the names a request mentions), when no file changed
 * since the cache was written, only the packages those names can reach — through dependencies,
 * conflicts and the providers of virtuals — are read back: the universe then holds that closure
 * (every package the solver could look at), and the diagnostics are the whole directory's.
 * Never throws for bad content, nor for a cache it cannot read or write.
 */
export async function loadConstraintsCached(
  dir: string,
  options: LoadCacheOptions,
  roots?: ConeRoots,
): Promise<CachedLoadResult> {
  const names = listConstraintFiles(dir);
  // Keyed by the directory as given too: diagnostics name files as `-C` spells them.
  const where = `${resolve(dir)}\u0000${dir}`;
  const cacheFile = join(options.dir, `constraints-${sha256(where).slice(0, 20)}.json`);
  const old = readCache(cacheFile, where, options.version);
  try {
    return await loadThrough(dir, names, cacheFile, where, old, options, roots);
  } finally {
    old?.close?.();
  }
}

async function loadThrough(
  dir: string,
  names: readonly string[],
  cacheFile: string,
  where: string,
  old: CacheFile | undefined,
  options: LoadCacheOptions,
  roots: ConeRoots | undefined,
): Promise<CachedLoadResult> {
  // In name order, as the checks between files and the cache file expect: the files to parse
  // hold their place (`undefined`) until they are.
  const files: Record<string, Entry> = {};
  const pending: PendingFile[] = [];
  // Nothing cached: every file is to be parsed, so the worker loads its modules while they are read.
  const early =
    old === undefined && names.length >= PARALLEL_MIN && availableParallelism() > 1
      ? startWorker()
      : undefined;
  const now = Date.now();
  let changed = old === undefined || Object.keys(old.files).length !== names.length;
  const scratch = new FileScratch();
  const pathOf = joiner(dir);
  try {
    // Indexed, no object made for a file that did not change: this loop runs once per file of
    // a big repository, unoptimised.
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      const path = pathOf(name);
      const info = statConstraintFile(path);
      const before = old?.files[name];
      if (before !== undefined && before.mtimeMs >= 0 && sameStat(before, info)) {
        files[name] = before;
        continue;
      }
      const racy = now - Math.max(info.mtimeMs, info.ctimeMs) < RACY_MS;
      const seen = { size: info.size, mtimeMs: info.mtimeMs, ino: info.ino, ctimeMs: info.ctimeMs };
      const stat = racy ? { ...seen, mtimeMs: -1 } : seen;
      const bytes = scratch.read(path, info.size);
      const hash = sha256(bytes);
      if (before !== undefined && before.sha256 === hash) {
        // A file still too recent to trust its stat is hashed on every load, but not rewritten.
        if (!sameStat(before, stat)) changed = true;
        files[name] = restat(before, stat);
      } else {
        changed = true;
        files[name] = undefined!;
        pending.push({ name, path, stat, hash, text: bytes.toString("utf8") });
      }
    }
  } catch (e) {
    // A file that cannot be read ends the load: the worker started for it too.
    void early?.worker.terminate();
    throw e;
  }
  const specs = new SpecTable();
  const { fresh, entries, onWorker } = await parsePending(pending, specs, early);
  for (const f of pending) files[f.name] = entries.get(f.name)!;

  // Nothing changed: the same names and hashes the cached checks between files were keyed by.
  const key = !changed && old?.link !== undefined ? old.link.key : fileSetKey(files);
  // The checks between files: as cached, redone for the changed files and those naming them, or
  // (undefined) redone for every file by `whole`.
  const linkDiagnostics =
    roots === undefined || old?.link === undefined
      ? undefined
      : old.link.key === key
        ? old.link.diagnostics
        : relink(dir, files, old, new Set(pending.map((f) => f.name)), specs);
  const partial =
    linkDiagnostics === undefined
      ? undefined
      : cone(dir, names, files, roots!, linkDiagnostics, pending.length, specs);
  const result = partial
    ? {
        ...partial,
        link: old?.link?.key === key ? old.link : { key, diagnostics: linkDiagnostics! },
      }
    : // The key as made from these files (not as the cache recorded it), made once.
      whole(
        dir,
        files,
        fresh,
        pending.length,
        specs,
        key === old?.link?.key ? fileSetKey(files) : key,
      );
  // Same files, same checks between them: the cached record stands (and the file is not
  // rewritten), unless `whole` had to parse entries that did not read back.
  const reparsed = result.parsed > pending.length;
  const link = result.link?.key === old?.link?.key && !reparsed ? old?.link : result.link;
  if (changed || reparsed || link !== old?.link)
    writeCache(cacheFile, {
      format: FORMAT,
      pthbs: options.version,
      dir: where,
      files,
      ...(link && { link }),
    });
  return {
    ...result.load,
    parsed: result.parsed,
    cached: names.length - result.parsed,
    parsedOnWorker: onWorker,
  };
}

/** A file to parse: new, or changed since the cache was written. */
interface PendingFile {
  readonly name: string;
  readonly path: string;
  readonly stat: FileStat;
  readonly hash: string;
  readonly text: string;
}

/** What an entry records of a file's `stat`. */
type FileStat = Pick<Entry, "size" | "mtimeMs" | "ino" | "ctimeMs">;

const sameStat = (a: FileStat, b: FileStat) =>
  a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino && a.ctimeMs === b.ctimeMs;

/** What a parse worker sends back for one file. */
export interface ParsedFile {
  readonly name: string;
  readonly diagnostics: readonly Diagnostic[];
  /** The package as `WirePackage` JSON text, and its names. */
  readonly package?: string;
  readonly index?: IndexFields;
}

/** Parses and checks one file into what a worker sends back (`parse-worker.ts`). */
export function parseForCache(name: string, path: string, text: string): ParsedFile {
  const check = checkConstraintFile(text, path);
  return {
    name,
    diagnostics: check.diagnostics,
    ...(check.package && {
      package: JSON.stringify(toWire(check.package)),
      index: indexFieldsOf(check.package),
    }),
  };
}

/** Below this many files to parse, a worker thread costs more than it saves. */
const PARALLEL_MIN = 256;
const WORKER = new URL("./parse-worker.js", import.meta.url);

/**
 * Parses the pending files: with many of them and a second core, most on a worker thread (the
 * TOML parse is most of a cold load). The packages are kept as objects (`fresh`): those parsed
 * here, and the worker's read back from their cache text as its parts arrive — once this thread's
 * share is parsed, while the worker still parses. `early` is a worker started before the files
 * were read: used, or stopped.
 */
async function parsePending(
  pending: readonly PendingFile[],
  specs: SpecTable,
  early: ParseWorker | undefined,
): Promise<{ fresh: Map<string, CheckedFile>; entries: Map<string, Entry>; onWorker: number }> {
  const fresh = new Map<string, CheckedFile>();
  const entries = new Map<string, Entry>();
  const useWorker = pending.length >= PARALLEL_MIN && availableParallelism() > 1;
  if (!useWorker) void early?.worker.terminate();
  const started = useWorker ? (early ?? startWorker()) : undefined;
  // Less than half here: this thread also reads back the worker's packages (at 7,000 files, with
  // 42/58 this thread ends reading back about when the worker ends its parse).
  const split = started === undefined ? pending.length : Math.ceil(pending.length * 0.42);
  const away = pending.slice(split);
  if (away.length === 0 && started !== undefined) void started.worker.terminate();
  const here = (f: PendingFile) => {
    const check = checkConstraintFile(f.text, f.path, specs);
    fresh.set(f.name, { path: f.path, ...check });
    entries.set(f.name, entryOf(f.stat, f.hash, check.diagnostics, check.package));
  };
  let onWorker = 0;
  const byName = new Map(away.map((f) => [f.name, f]));
  const answered = (p: ParsedFile) => {
    const f = byName.get(p.name);
    if (f === undefined || entries.has(p.name)) return;
    const text =
      p.package !== undefined && p.index !== undefined ? Buffer.from(p.package) : undefined;
    const index = p.index && new IndexEntry(p.index.name, p.index.refs, p.index.provides);
    entries.set(p.name, {
      ...f.stat,
      sha256: f.hash,
      diagnostics: p.diagnostics,
      ...(text && { package: inMemory(text), index }),
    });
    onWorker++;
    // One that does not read back is parsed by `whole`.
    // The worker's text as it came (a string): no round trip through the Buffer kept for the cache.
    const pkg = text && fromWire(p.package!, f.path, specs);
    if (pkg !== undefined || text === undefined)
      fresh.set(p.name, { path: f.path, diagnostics: p.diagnostics, ...(pkg && { package: pkg }) });
  };
  const worker =
    away.length > 0 && started !== undefined
      ? parseOnWorker(away, started, (part) => part.forEach(answered))
      : Promise.resolve();
  for (const f of pending.slice(0, split)) here(f);
  // The worker's parts are read back as they come, until its last one (or its failure).
  await worker.catch(() => undefined);
  // What it did not answer (it failed) is parsed here.
  for (const f of away) if (!entries.has(f.name)) here(f);
  return { fresh, entries, onWorker };
}

/** A parse worker (`parse-worker.ts`), listened to from its start. */
interface ParseWorker {
  readonly worker: Worker;
  /** Settles when the worker has sent its last part; rejects when it fails first. */
  readonly done: Promise<void>;
  /** Gives each part of its answer to `read`: those come already, then the others as they come. */
  take(read: (part: readonly ParsedFile[]) => void): void;
}

/** Starts a parse worker; undefined without a compiled worker script (as under the test runner). */
function startWorker(): ParseWorker | undefined {
  if (!existsSync(fileURLToPath(WORKER))) return undefined;
  const worker = new Worker(WORKER);
  const waiting: (readonly ParsedFile[])[] = [];
  let reader: ((part: readonly ParsedFile[]) => void) | undefined;
  const done = new Promise<void>((resolvePromise, reject) => {
    worker.on("message", (message: readonly ParsedFile[] | "done") => {
      if (message === "done") {
        resolvePromise();
        void worker.terminate();
      } else if (reader !== undefined) reader(message);
      else waiting.push(message);
    });
    worker.once("error", reject);
    // After the last part this changes nothing; before it, the worker failed.
    worker.once("exit", (code) => reject(new Error(`parse worker exited with ${code}`)));
  });
  // A worker that fails is seen when it is awaited (its files are then parsed here).
  done.catch(() => undefined);
  // Until it is given files it must not keep the process alive (a load that throws meanwhile);
  // after the listeners, which would hold it again.
  worker.unref();
  const take = (read: (part: readonly ParsedFile[]) => void) => {
    reader = read;
    for (const part of waiting.splice(0)) read(part);
  };
  return { worker, done, take };
}

function parseOnWorker(
  files: readonly PendingFile[],
  started: ParseWorker,
  read: (part: readonly ParsedFile[]) => void,
): Promise<void> {
  started.take(read);
  started.worker.ref();
  started.worker.postMessage(files.map((f) => ({ name: f.name, path: f.path, text: f.text })));
  return started.done;
}

interface Loaded {
  readonly load: LoadResult;
  readonly parsed: number;
  readonly link?: CacheFile["link"];
}

function entryOf(
  stat: FileStat,
  hash: string,
  diagnostics: readonly Diagnostic[],
  pkg: Package | undefined,
): Entry {
  return {
    ...stat,
    sha256: hash,
    diagnostics,
    ...(pkg && {
      package: inMemory(Buffer.from(JSON.stringify(toWire(pkg)))),
      index: indexOf(pkg),
    }),
  };
}

function indexOf(pkg: Package): IndexEntry {
  const { name, refs, provides } = indexFieldsOf(pkg);
  return new IndexEntry(name, refs, provides);
}

/** A package's index as plain fields (a message between threads keeps no methods). */
function indexFieldsOf(pkg: Package): IndexFields {
  const names = [...new Set([...pkg.depends, ...pkg.conflicts].map((d) => d.spec.name!))];
  return {
    name: pkg.name,
    refs: names.sort().join(" "),
    provides: pkg.provides.map((p) => p.virtual),
  };
}

/**
 * Every file read back (or parsed here: `fresh`; `parsedBefore` files were parsed in all), then
 * the checks between files; `key` is `fileSetKey(files)` as they come.
 */
function whole(
  dir: string,
  files: Record<string, Entry>,
  fresh: ReadonlyMap<string, CheckedFile>,
  parsedBefore: number,
  specs: SpecTable,
  key: string,
): Loaded {
  let parsed = parsedBefore;
  const checked: CheckedFile[] = [];
  const pathOf = joiner(dir);
  const decoded = new Map<string, Package | undefined>();
  eachText(
    Object.entries(files).flatMap(([name, e]) =>
      e.package && !fresh.has(name) ? [[name, e.package] as const] : [],
    ),
    (name, text) => decoded.set(name, fromWire(text, pathOf(name), specs)),
  );
  for (const [name, entry] of Object.entries(files)) {
    const path = pathOf(name);
    const known = fresh.get(name);
    if (known !== undefined) {
      checked.push(known);
      continue;
    }
    const pkg = decoded.get(name);
    if (entry.package !== undefined && pkg === undefined) {
      // An entry that does not read back: parse the file after all, and record it anew.
      const text = readConstraintFile(path);
      const check = checkConstraintFile(text.toString("utf8"), path, specs);
      parsed++;
      checked.push({ path, ...check });
      files[name] = entryOf(
        { size: entry.size, mtimeMs: -1, ino: entry.ino, ctimeMs: entry.ctimeMs },
        sha256(text),
        check.diagnostics,
        check.package,
      );
      continue;
    }
    checked.push({ path, diagnostics: entry.diagnostics, ...(pkg && { package: pkg }) });
  }
  const load = linkConstraintFiles(checked);
  // Entries parsed again here were recorded with their bytes' hash: the key is made again.
  const covered = parsed > parsedBefore ? fileSetKey(files) : key;
  // Only the checks between files: each file's own diagnostics are in its entry.
  const own = new Set(checked.flatMap((c) => c.diagnostics));
  return {
    load,
    parsed,
    link: { key: covered, diagnostics: load.diagnostics.filter((d) => !own.has(d)) },
  };
}

/** Only the closure of `roots` read back; undefined when a root is unknown or an entry is bad. */
function cone(
  dir: string,
  names: readonly string[],
  files: Record<string, Entry>,
  roots: ConeRoots,
  linkDiagnostics: readonly Diagnostic[],
  parsed: number,
  specs: SpecTable,
): Loaded | undefined {
  const { fileOf, providers } = namesOf(files, names);
  if (roots.names.some((r) => !fileOf.has(r) && !providers.has(r))) return undefined;
  if ((roots.virtuals ?? []).some((v) => !providers.has(v))) return undefined;
  const reached = new Set<string>();
  const known = (n: string) => fileOf.has(n) || providers.has(n);
  const queue = [...roots.names, ...(roots.externals ?? []).filter(known)];
  while (queue.length > 0) {
    const n = queue.pop()!;
    if (reached.has(n)) continue;
    reached.add(n);
    const file = fileOf.get(n);
    if (file !== undefined) queue.push(...files[file]!.index!.names);
    queue.push(...(providers.get(n) ?? []));
  }
  const packages = new Map<string, Package>();
  const pathOf = joiner(dir);
  const named = [...reached].sort().flatMap((n) => {
    const file = fileOf.get(n);
    return file === undefined ? [] : [[n, file] as const];
  });
  const decoded = new Map<string, Package | undefined>();
  eachText(
    named.map(([, file]) => [file, files[file]!.package!] as const),
    (file, text) => decoded.set(file, fromWire(text, pathOf(file), specs)),
  );
  for (const [n, file] of named) {
    const pkg = decoded.get(file);
    // A package that does not read back, or not the one the index says: the whole load decides.
    if (pkg === undefined || pkg.name !== n) return undefined;
    packages.set(n, pkg);
  }
  const virtuals = new Map<string, Provider[]>();
  for (const pkg of packages.values())
    for (const provision of pkg.provides)
      virtuals.set(provision.virtual, [
        ...(virtuals.get(provision.virtual) ?? []),
        { package: pkg.name, provision },
      ]);
  const sortedVirtuals = new Map(
    [...virtuals.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([v, list]) => [v, list.sort((a, b) => (a.package < b.package ? -1 : 1))]),
  );
  // By `names`, not the record's keys or values: a big repository's files are thousands of keys.
  const own: Diagnostic[] = [];
  for (let i = 0; i < names.length; i++) {
    const diagnostics = files[names[i]!]!.diagnostics;
    for (let k = 0; k < diagnostics.length; k++) own.push(diagnostics[k]!);
  }
  return {
    load: {
      universe: { packages, virtuals: sortedVirtuals },
      diagnostics: sortDiagnostics([...own, ...linkDiagnostics]),
      files: names.length,
    },
    parsed,
  };
}

/**
 * A read of the cache file costs here about what copying 4 KiB does: texts closer than that are
 * read together.
 */
const READ_GAP = 4096;
/**
 * At most this much is read at once, into one buffer used again: memory touched for the first
 * time costs more here than the reads (10 µs a page; a cone of 2,000 packages is 5 MiB of text).
 */
const BLOCK_BYTES = 256 * 1024;

/**
 * Gives `use` the text of each of `wanted` (by the name it is paired with), those in the cache
 * file read with one `pread` per run of texts close together (a cone is mostly runs of neighbours
 * in name order: a request's 2,000 packages were 2,000 reads, each costing more than its 3 KiB),
 * in the order they sit there. A text is valid only during its call.
 */
function eachText(
  wanted: readonly (readonly [string, PackageText])[],
  use: (name: string, text: string) => void,
): void {
  const placed: (readonly [string, CachedText])[] = [];
  for (const [name, text] of wanted)
    if (text instanceof CachedText) placed.push([name, text]);
    else use(name, text.read().toString("utf8"));
  placed.sort((a, b) => a[1].position - b[1].position);
  let scratch: Buffer | undefined;
  for (let i = 0; i < placed.length; ) {
    const from = placed[i]![1];
    let end = from.position + from.length;
    let j = i + 1;
    for (; j < placed.length; j++) {
      const text = placed[j]![1];
      const next = Math.max(end, text.position + text.length);
      if (text.file !== from.file || text.position - end > READ_GAP) break;
      if (next - from.position > BLOCK_BYTES) break;
      end = next;
    }
    scratch ??= Buffer.allocUnsafe(BLOCK_BYTES);
    // A short read (the file cut meanwhile) leaves texts short, which do not decode.
    const block = from.file(from.position, end - from.position, scratch);
    for (; i < j; i++) {
      const [name, text] = placed[i]!;
      const start = text.position - from.position;
      use(name, block.toString("utf8", start, Math.min(start + text.length, block.length)));
    }
  }
}

/** What the checks between files depend on: every file's name and bytes. */
function fileSetKey(files: Readonly<Record<string, Entry>>): string {
  const names = Object.keys(files).sort();
  return sha256(names.map((n) => `${n} ${files[n]!.sha256}\n`).join(""));
}

/**
 * Which file defines each package (the first by name), and which packages provide each virtual;
 * `names` are the files' names, sorted.
 */
function namesOf(
  files: Readonly<Record<string, Entry>>,
  names: readonly string[] = Object.keys(files).sort(),
) {
  const fileOf = new Map<string, string>();
  const providers = new Map<string, string[]>();
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const index = files[name]!.index;
    if (index === undefined || fileOf.has(index.name)) continue;
    fileOf.set(index.name, name);
    for (let k = 0; k < index.provides.length; k++) {
      const list = providers.get(index.provides[k]!);
      if (list === undefined) providers.set(index.provides[k]!, [index.name]);
      else list.push(index.name);
    }
  }
  return { fileOf, providers };
}

/**
 * The checks between files after some files changed, without reading every package back: when
 * the files, the packages and virtuals, and which files define them, are the same as when the
 * cache was written, only the changed files' references and those naming a package of a changed file can
 * have other results; the rest are the cached ones. Undefined (check everything) otherwise: a
 * file added, removed or renamed, a package renamed, a broken file, a duplicate or a name clash.
 */
function relink(
  dir: string,
  files: Record<string, Entry>,
  old: CacheFile,
  changed: ReadonlySet<string>,
  specs: SpecTable,
): readonly Diagnostic[] | undefined {
  const link = old.link!;
  const oldNames = Object.keys(old.files).sort();
  if (link.key !== fileSetKey(old.files)) return undefined;
  // A file added or removed (a broken one too, or a second file for a package): check everything.
  const names = Object.keys(files).sort();
  if (names.length !== oldNames.length || names.some((n, i) => n !== oldNames[i])) return undefined;
  if (Object.values(files).some((e) => e.index === undefined)) return undefined;
  if (link.diagnostics.some((d) => d.code === "duplicate-package" || d.code === "name-clash"))
    return undefined;
  const now = namesOf(files);
  const before = namesOf(old.files);
  const same = (a: Map<string, unknown>, b: Map<string, unknown>) =>
    a.size === b.size && [...a].every(([k, v]) => JSON.stringify(b.get(k)) === JSON.stringify(v));
  if (!same(now.fileOf, before.fileOf) || !same(now.providers, before.providers)) return undefined;
  // The packages and virtuals of the changed files, and every file whose references name one.
  const touched = new Set<string>();
  for (const name of changed) {
    const index = files[name]!.index!;
    touched.add(index.name);
    for (const v of index.provides) touched.add(v);
  }
  const redo = new Set(changed);
  for (const [name, entry] of Object.entries(files))
    if (entry.index!.names.some((n) => touched.has(n))) redo.add(name);
  // Those files' packages, and what their references name (a virtual: its providers).
  const needed = new Set<string>();
  for (const name of redo) {
    const index = files[name]!.index!;
    needed.add(index.name);
    for (const n of index.names) {
      needed.add(n);
      for (const p of now.providers.get(n) ?? []) needed.add(p);
    }
  }
  const checked: CheckedFile[] = [];
  for (const pkgName of needed) {
    const file = now.fileOf.get(pkgName);
    if (file === undefined) continue;
    const path = join(dir, file);
    const pkg = fromWire(files[file]!.package!.read(), path, specs);
    if (pkg === undefined) return undefined;
    checked.push({ path, package: pkg, diagnostics: [] });
  }
  const redone = new Set([...redo].map((n) => join(dir, n)));
  const fresh = linkConstraintFiles(
    checked,
    [...now.fileOf.keys(), ...now.providers.keys()],
    redone,
  );
  return [
    ...link.diagnostics.filter((d) => !redone.has(d.file)),
    ...fresh.diagnostics.filter((d) => redone.has(d.file)),
  ];
}

/** `join(dir, name)` for the files of one directory, normalising `dir` once: a load joins thousands. */
function joiner(dir: string): (name: string) => string {
  const prefix = join(dir, "_").slice(0, -1);
  return (name) => prefix + name;
}

/** The `*.toml` names of a constraints directory, sorted; throws `NotFoundError` as `readConstraintDir`. */
function listConstraintFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    throw new NotFoundError(
      `constraints directory not found: ${dir}`,
      "run pthbs from a directory holding constraints/, or pass -C DIR",
    );
  }
  const tomls = names.filter((n) => n.endsWith(".toml")).sort();
  if (tomls.length === 0)
    throw new NotFoundError(
      `no constraint files (*.toml) in ${dir}`,
      "pass -C DIR with the directory that holds them",
    );
  return tomls;
}

/** `read(path)`, or the error `readConstraintDir` gives for a file it cannot read. */
function constraintFile<T>(path: string, read: (path: string) => T): T {
  try {
    return read(path);
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new PthbsError(`cannot read constraint file ${path} (${why})`);
  }
}

const statFile = (path: string): Stats => statSync(path);

function statConstraintFile(path: string): Stats {
  return constraintFile(path, statFile);
}

/**
 * Reads files into one buffer used again (each read valid until the next): a cold load reads
 * every file once, and `readFileSync` allocated a buffer for each (new memory: 10 µs a page here)
 * after asking its size again.
 */
class FileScratch {
  private buffer: Buffer = Buffer.allocUnsafe(64 * 1024);

  /** The bytes of the file at `path`, whose size was `size` (read to its end whatever it is now). */
  read(path: string, size: number): Buffer {
    return constraintFile(path, (p) => {
      const fd = openSync(p, "r");
      try {
        let done = 0;
        for (;;) {
          // One byte more than the file had: a file that grew meanwhile is read to its end.
          if (this.buffer.length < Math.max(size, done) + 1)
            this.buffer = grow(this.buffer, Math.max(size, done) + 1, done);
          const n = readSync(fd, this.buffer, done, this.buffer.length - done, null);
          if (n === 0) return this.buffer.subarray(0, done);
          done += n;
        }
      } finally {
        closeSync(fd);
      }
    });
  }
}

/** A buffer of at least `length` bytes (doubling), holding the first `keep` bytes of `buffer`. */
function grow(buffer: Buffer, length: number, keep: number): Buffer {
  const bigger = Buffer.allocUnsafe(Math.max(length, 2 * buffer.length));
  buffer.copy(bigger, 0, 0, keep);
  return bigger;
}

function readConstraintFile(path: string): Buffer {
  return constraintFile(path, (p) => readFileSync(p));
}

function sha256(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * The header on disk: one array per field, an element per file in `names` order (a warm load
 * parses this for every file, and arrays of numbers and strings parse several times faster
 * than an object per file).
 */
interface DiskHeader {
  readonly pthbs: string;
  readonly dir: string;
  readonly names: readonly string[];
  /** The length of each file's package text in the blob, one after another; -1: no package. */
  readonly packages: readonly number[];
  /** Each file's package name ("" without a package, or for a package whose name is ""). */
  readonly packageNames: readonly string[];
  /** The names each file's package refers to (`IndexFields.refs`); "" without a package. */
  readonly refs: readonly string[];
  /** The virtuals each file's package provides, by its position in `names`; absent for none. */
  readonly provides: Readonly<Record<string, readonly string[]>>;
  /** Each file's own diagnostics, by its position in `names`; absent when it has none. */
  readonly diagnostics: Readonly<Record<string, readonly Diagnostic[]>>;
  readonly link?: CacheFile["link"];
}

const NO_DIAGNOSTICS: readonly Diagnostic[] = [];
/** The resources of every version that has none, shared (most have none). */
const NO_SOURCES: readonly Source[] = [];

/**
 * The cache file's header, checked; the package texts stay in the file (a request's cone is a
 * fraction of a big repository) and are read through the file kept open, so that a cache file
 * renamed over this one meanwhile does not mix two caches. `close()` it after the load.
 */
function readCache(file: string, dir: string, version: string): CacheFile | undefined {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch {
    return undefined;
  }
  let open = true;
  const close = () => {
    if (open) closeSync(fd);
    open = false;
  };
  const unusable = () => {
    close();
    return undefined;
  };
  try {
    const size = fstatSync(fd).size;
    const readAt: ReadAt = (position, length, into) => {
      // After `close` the descriptor may be another file's: nothing (it does not decode).
      if (!open) return Buffer.alloc(0);
      const bytes = into !== undefined && into.length >= length ? into : Buffer.allocUnsafe(length);
      let done = 0;
      while (done < length) {
        const n = readSync(fd, bytes, done, length - done, position + done);
        if (n === 0) break;
        done += n;
      }
      return bytes.subarray(0, done);
    };
    // The format line and the header's length fit in the first 64 bytes.
    const head = readAt(0, Math.min(size, 64));
    const first = head.indexOf(10);
    const second = head.indexOf(10, first + 1);
    if (first < 0 || second < 0 || head.toString("utf8", 0, first) !== FORMAT) return unusable();
    const headerLength = Number(head.toString("utf8", first + 1, second));
    const blob = second + 1 + headerLength;
    if (!Number.isSafeInteger(headerLength) || blob > size) return unusable();
    const data = JSON.parse(readAt(second + 1, headerLength).toString("utf8")) as unknown;
    if (!isHeader(data, version, dir)) return unusable();
    const n = data.names.length;
    const stats = readAt(blob, STAT_BYTES * n);
    const digests = readAt(blob + STAT_BYTES * n, DIGEST_BYTES * n);
    if (stats.length !== STAT_BYTES * n || digests.length !== DIGEST_BYTES * n) return unusable();
    // As doubles read in place, not a `readDoubleLE` call each (four per file, unoptimised);
    // copied when the buffer is not aligned for them or the machine is big-endian.
    const doubles =
      stats.byteOffset % 8 === 0 && endianness() === "LE"
        ? new Float64Array(stats.buffer, stats.byteOffset, 4 * n)
        : Float64Array.from({ length: 4 * n }, (_, k) => stats.readDoubleLE(8 * k));
    const files: Record<string, Entry> = {};
    let offset = blob + stats.length + digests.length;
    for (let i = 0; i < n; i++) {
      const length = data.packages[i]!;
      // No package is a length of -1 alone: a package's name may be "" (a `bad-name` error).
      const none = length < 0;
      if (offset + Math.max(length, 0) > size) return unusable();
      // One shape for every entry, no spread: a load makes one per file of a big repository.
      files[data.names[i]!] = new CachedEntry(
        doubles[4 * i]!,
        doubles[4 * i + 1]!,
        doubles[4 * i + 2]!,
        doubles[4 * i + 3]!,
        digests,
        DIGEST_BYTES * i,
        data.diagnostics[i] ?? NO_DIAGNOSTICS,
        // A short read (the file cut meanwhile) does not decode: the file is parsed instead.
        none ? undefined : new CachedText(length, offset, readAt),
        none
          ? undefined
          : new IndexEntry(data.packageNames[i]!, data.refs[i]!, data.provides[i] ?? NO_NAMES),
      );
      if (length > 0) offset += length;
    }
    const link = data.link && { link: data.link };
    return { format: FORMAT, pthbs: version, dir, files, ...link, close };
  } catch {
    return unusable();
  }
}

/** Whether a parsed header has the shape `writeCache` gives it, for this pthbs and directory. */
function isHeader(d: unknown, version: string, dir: string): d is DiskHeader {
  if (d === null || typeof d !== "object") return false;
  const x = d as Record<string, unknown>;
  if (x.pthbs !== version || x.dir !== dir) return false;
  const { names, packages, packageNames, refs, provides, diagnostics, link } = x;
  if (!Array.isArray(names) || !names.every((n) => typeof n === "string")) return false;
  const n = names.length;
  const sized = (a: unknown, k: number): a is unknown[] => Array.isArray(a) && a.length === k * n;
  const strings = (a: unknown) => Array.isArray(a) && a.every((s) => typeof s === "string");
  // A record by file position (only the files that have some), each value accepted by `valid`.
  const byPosition = (r: unknown, valid: (value: unknown) => boolean) =>
    r !== null &&
    typeof r === "object" &&
    Object.entries(r).every(([i, v]) => Number(i) < n && valid(v));
  return (
    sized(packages, 1) &&
    packages.every((l) => Number.isSafeInteger(l) && (l as number) >= -1) &&
    sized(packageNames, 1) &&
    strings(packageNames) &&
    sized(refs, 1) &&
    strings(refs) &&
    byPosition(provides, strings) &&
    byPosition(diagnostics, (list) => Array.isArray(list) && list.every(isDiagnostic)) &&
    (link === undefined ||
      (link !== null &&
        typeof link === "object" &&
        typeof (link as Record<string, unknown>).key === "string" &&
        Array.isArray((link as Record<string, unknown>).diagnostics) &&
        ((link as Record<string, unknown>).diagnostics as unknown[]).every(isDiagnostic)))
  );
}

function isDiagnostic(d: unknown): d is Diagnostic {
  if (d === null || typeof d !== "object") return false;
  const x = d as Record<string, unknown>;
  return (
    (x.severity === "error" || x.severity === "warning") &&
    typeof x.code === "string" &&
    typeof x.file === "string" &&
    typeof x.line === "number" &&
    typeof x.column === "number" &&
    typeof x.message === "string" &&
    (x.hint === undefined || typeof x.hint === "string")
  );
}

/** Written under a temporary name and renamed: a reader sees the old cache or the new, whole. */
function writeCache(file: string, data: CacheFile): void {
  // A name no other writer (another process, maybe in another container) can pick.
  const tmp = `${file}.${randomBytes(8).toString("hex")}.tmp`;
  try {
    mkdirSync(join(file, ".."), { recursive: true });
    const names = Object.keys(data.files);
    const entries = names.map((name) => data.files[name]!);
    const diagnostics: Record<string, readonly Diagnostic[]> = {};
    const provides: Record<string, readonly string[]> = {};
    entries.forEach((e, i) => {
      if (e.diagnostics.length > 0) diagnostics[i] = e.diagnostics;
      if ((e.index?.provides.length ?? 0) > 0) provides[i] = e.index!.provides;
    });
    const header: DiskHeader = {
      pthbs: data.pthbs,
      dir: data.dir,
      names,
      packages: entries.map((e) => e.package?.length ?? -1),
      packageNames: entries.map((e) => e.index?.name ?? ""),
      refs: entries.map((e) => e.index?.refs ?? ""),
      provides,
      diagnostics,
      ...(data.link && { link: data.link }),
    };
    const headerBytes = Buffer.from(JSON.stringify(header));
    const stats = Buffer.alloc(STAT_BYTES * entries.length);
    // Only ever compared with the hash of a file's bytes: any 32 bytes read back are "valid".
    const digests = Buffer.alloc(DIGEST_BYTES * entries.length);
    entries.forEach((e, i) => {
      for (const [k, v] of [e.size, e.mtimeMs, e.ino, e.ctimeMs].entries())
        stats.writeDoubleLE(v, STAT_BYTES * i + 8 * k);
      digests.write(e.sha256, DIGEST_BYTES * i, DIGEST_BYTES, "hex");
    });
    const head = Buffer.from(`${FORMAT}\n${headerBytes.length}\n`);
    const fd = openSync(tmp, "w");
    try {
      for (const part of [head, headerBytes, stats, digests]) writeAll(fd, part, part.length);
      writeTexts(fd, entries);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch {
    // A cache that cannot be written only makes the next load slower.
    rmSync(tmp, { force: true });
  }
}

/** Bytes the package texts are gathered in before each write, one buffer used again. */
const WRITE_BYTES = 1024 * 1024;

/**
 * Writes the entries' package texts one after another: through one buffer used again, not one
 * made of them all (12 MiB at 7,000 files, each page of it touched for the first time), and those
 * still in the old cache file by runs of neighbours there, read straight into it (a one-line edit
 * rewrote 7,000 texts read one by one). Throws when the old file no longer holds them.
 */
function writeTexts(fd: number, entries: readonly Entry[]): void {
  const out = Buffer.allocUnsafe(WRITE_BYTES);
  let used = 0;
  const flush = () => {
    writeAll(fd, out, used);
    used = 0;
  };
  for (let i = 0; i < entries.length; i++) {
    const text = entries[i]!.package;
    if (text === undefined) continue;
    if (!(text instanceof CachedText) || text.length > WRITE_BYTES) {
      const bytes = text.read();
      if (bytes.length !== text.length) throw new Error("a cached text was cut");
      if (used + bytes.length > WRITE_BYTES) flush();
      if (bytes.length > WRITE_BYTES) writeAll(fd, bytes, bytes.length);
      else used += bytes.copy(out, used);
      continue;
    }
    // This text and those right after it in the same file, as long as they fit.
    let end = text.position + text.length;
    let j = i + 1;
    for (; j < entries.length; j++) {
      const next = entries[j]!.package;
      if (next === undefined) continue;
      if (!(next instanceof CachedText) || next.file !== text.file || next.position !== end) break;
      if (end + next.length - text.position > WRITE_BYTES) break;
      end = next.position + next.length;
    }
    const length = end - text.position;
    if (used + length > WRITE_BYTES) flush();
    const bytes = text.file(text.position, length, out.subarray(used));
    if (bytes.length !== length) throw new Error("a cached text was cut");
    used += length;
    i = j - 1;
  }
  flush();
}

/** Writes `bytes[0, length)` at the file's current position, however many calls that takes. */
function writeAll(fd: number, bytes: Buffer, length: number): void {
  for (let done = 0; done < length; ) done += writeSync(fd, bytes, done, length - done);
}

const absent = (text: string | undefined): string | Absent => text ?? 0;
const condition = (spec: Spec | undefined): string | Absent =>
  spec === undefined ? 0 : printSpec(spec);

function sourceToWire(s: Source): WireSource {
  const { line, column } = s.location;
  return s.kind === "url"
    ? [0, s.url, s.sha256, absent(s.filename), line, column]
    : [1, s.url, s.commit, 0, line, column];
}

function toWire(p: Package): WirePackage {
  return [
    p.name,
    absent(p.summary),
    absent(p.homepage),
    p.recipe,
    p.location.line,
    p.location.column,
    p.provides.map((v) => [v.virtual, condition(v.when), v.location.line, v.location.column]),
    p.options.map((o) => [
      o.name,
      o.values,
      o.kind === "bool" ? 0 : 1,
      o.default,
      absent(o.summary),
      condition(o.when),
      o.location.line,
      o.location.column,
    ]),
    p.versions.map((v) => [
      v.version.text,
      sourceToWire(v.source),
      v.resources.map(sourceToWire),
      v.deprecated ? 1 : 0,
      v.location.line,
      v.location.column,
    ]),
    p.depends.flatMap((d) => [
      printSpec(d.spec),
      condition(d.when),
      typesKey(d.types),
      d.location.line,
      d.location.column,
    ]),
    p.conflicts.map((c) => [
      printSpec(c.spec),
      condition(c.when),
      absent(c.message),
      c.location.line,
      c.location.column,
    ]),
  ];
}

/** For a wire package of the wrong shape: thrown, and caught by `fromWire`. */
const wrong = (): never => {
  throw new TypeError("not a wire package");
};
const str = (x: unknown): string => (typeof x === "string" ? x : wrong());
const maybe = (x: unknown): string | Absent => (x === 0 ? 0 : str(x));
const num = (x: unknown): number => (typeof x === "number" ? x : wrong());
const bit = (x: unknown): 0 | 1 => (x === 0 || x === 1 ? x : wrong());
const list = (x: unknown, length?: number): readonly unknown[] =>
  Array.isArray(x) && (length === undefined || x.length === length) ? x : wrong();
const optionValue = (x: unknown): OptionValue =>
  typeof x === "boolean" || typeof x === "string" ? x : wrong();

/**
 * The package a wire entry describes; undefined when the entry does not read back — every item
 * is checked, so that a cache file changed into other valid JSON is parsed again, not trusted.
 */
function fromWire(text: Buffer | string, file: string, specs: SpecTable): Package | undefined {
  const at = (line: unknown, column: unknown): SourceLocation => ({
    file,
    line: num(line),
    column: num(column),
  });
  const source = (x: unknown): Source => {
    const [kind, url, digest, filename, line, column] = list(x, 6);
    const location = at(line, column);
    if (bit(kind) === 1) return { kind: "git", url: str(url), commit: str(digest), location };
    const name = maybe(filename);
    return name === 0
      ? { kind: "url", url: str(url), sha256: str(digest), location }
      : { kind: "url", url: str(url), sha256: str(digest), filename: name, location };
  };
  const when = (x: unknown) => {
    const text = maybe(x);
    return text === 0 ? undefined : specs.spec(text, "anonymous");
  };
  try {
    const w = list(JSON.parse(typeof text === "string" ? text : text.toString("utf8")), 11);
    // Fields in the order the checker writes them (`constraint-file.ts`), absent ones left out.
    const provides: Provision[] = list(w[6]).map((x) => {
      const [virtual, condition, line, column] = list(x, 4);
      const cond = when(condition);
      return cond === undefined
        ? { virtual: str(virtual), location: at(line, column) }
        : { virtual: str(virtual), when: cond, location: at(line, column) };
    });
    const options: PackageOption[] = list(w[7]).map((x) => {
      const [name, values, kind, dflt, summary, condition, line, column] = list(x, 8);
      const about = maybe(summary);
      const cond = when(condition);
      return {
        name: str(name),
        kind: bit(kind) === 0 ? "bool" : "value",
        values: list(values).map(optionValue),
        default: optionValue(dflt),
        ...(about !== 0 && { summary: about }),
        ...(cond !== undefined && { when: cond }),
        location: at(line, column),
      };
    });
    const versions: PackageVersion[] = list(w[8]).map((x) => {
      const [version, main, resources, deprecated, line, column] = list(x, 6);
      const more = list(resources);
      return {
        version: specs.version(str(version)),
        source: source(main),
        resources: more.length === 0 ? NO_SOURCES : more.map(source),
        deprecated: bit(deprecated) === 1,
        location: at(line, column),
      };
    });
    // The most numerous entries: two fixed shapes, no spread (the checker's key order).
    const flat = list(w[9]);
    if (flat.length % DEPENDENCY_ITEMS !== 0) return undefined;
    const depends: Dependency[] = new Array(flat.length / DEPENDENCY_ITEMS);
    for (let i = 0, k = 0; i < flat.length; i += DEPENDENCY_ITEMS, k++) {
      const spec = specs.spec(str(flat[i]), "named");
      const cond = when(flat[i + 1]);
      const types = TYPE_LISTS.get(str(flat[i + 2])) ?? wrong();
      const location = at(flat[i + 3], flat[i + 4]);
      depends[k] =
        cond === undefined ? { spec, types, location } : { spec, when: cond, types, location };
    }
    const conflicts: Conflict[] = list(w[10]).map((x) => {
      const [spec, condition, message, line, column] = list(x, 5);
      const cond = when(condition);
      const said = maybe(message);
      return {
        spec: specs.spec(str(spec), "named"),
        ...(cond !== undefined && { when: cond }),
        ...(said !== 0 && { message: said }),
        location: at(line, column),
      };
    });
    const summary = maybe(w[1]);
    const homepage = maybe(w[2]);
    return {
      name: str(w[0]),
      ...(summary !== 0 && { summary }),
      ...(homepage !== 0 && { homepage }),
      recipe: str(w[3]),
      provides,
      options,
      versions,
      depends,
      conflicts,
      location: at(w[4], w[5]),
    };
  } catch {
    return undefined;
  }
}
