/**
 * Unpacking source archives without escape. We use the system's GNU tar (it reads gzip, bzip2 and
 * xz by their magic numbers, and is on every build host) rather than a tar reader of our own, but
 * never trust it to be safe: first its verbose listing (`--quoting-style=c`, so every name and link
 * target is an unambiguous C string; `--absolute-names`, so tar shows names as stored, not stripped) is checked, refusing absolute names, `..` components, links
 * whose target leaves the tree, entries that go through a link, and device files; after unpacking,
 * every symbolic link is resolved and must stay inside the tree.
 */
import { execFile } from "node:child_process";
import { lstat, readdir, realpath } from "node:fs/promises";
import { join, posix } from "node:path";
import { promisify } from "node:util";
import { UnsafeArchiveError } from "./errors.js";

const run = promisify(execFile);

/** One entry of an archive listing. */
export interface ArchiveEntry {
  /** `-` file, `d` directory, `l` symbolic link, `h` hard link, or another tar type letter. */
  readonly type: string;
  readonly name: string;
  /** The link target of `l` and `h` entries. */
  readonly target?: string;
}

/** Reads one C string literal starting at `text[i]` (a `"`); returns it and the index after it. */
function cString(text: string, i: number): [string, number] {
  let out = "";
  let j = i + 1;
  const bytes: number[] = [];
  const flush = () => {
    if (bytes.length) out += Buffer.from(bytes).toString("utf8");
    bytes.length = 0;
  };
  const simple: Record<string, string> = {
    n: "\n",
    t: "\t",
    r: "\r",
    f: "\f",
    v: "\v",
    b: "\b",
    a: "\x07",
    "\\": "\\",
    '"': '"',
    "?": "?",
  };
  while (j < text.length && text[j] !== '"') {
    if (text[j] === "\\") {
      const c = text[j + 1] ?? "";
      if (/[0-7]/.test(c)) {
        const oct = /^[0-7]{1,3}/.exec(text.slice(j + 1))![0];
        bytes.push(Number.parseInt(oct, 8));
        j += 1 + oct.length;
        continue;
      }
      flush();
      out += simple[c] ?? c;
      j += 2;
    } else {
      flush();
      out += text[j];
      j++;
    }
  }
  flush();
  return [out, j + 1];
}

/** Parses `tar --quoting-style=c -tv` output. */
export function parseListing(listing: string): ArchiveEntry[] {
  const entries: ArchiveEntry[] = [];
  for (const line of listing.split("\n")) {
    if (line === "") continue;
    const q = line.indexOf('"');
    if (q < 0) continue;
    const [name, after] = cString(line, q);
    const rest = line.slice(after);
    const type = line[0]!;
    let target: string | undefined;
    const arrow = rest.startsWith(" -> ") ? 4 : rest.startsWith(" link to ") ? 9 : -1;
    if (arrow > 0) [target] = cString(rest, arrow);
    entries.push(target === undefined ? { type, name } : { type, name, target });
  }
  return entries;
}

/** The normalised relative path, or undefined when it leaves the tree. */
function inside(path: string): string | undefined {
  const n = posix.normalize(path);
  return n === ".." || n.startsWith("../") || posix.isAbsolute(n) ? undefined : n;
}

/** How far an archive's symbolic links may reach. */
export interface UnpackOptions {
  /**
   * Absolute directories that absolute symbolic links may point into (a store path's own final
   * place and its references', for binary caches); none for source archives.
   */
  readonly linkRoots?: readonly string[];
}

/** Whether an absolute path is one of `roots` or under one. */
function under(path: string, roots: readonly string[]): boolean {
  return roots.some((r) => path === r || path.startsWith(`${r}/`));
}

/** Refuses a listing with an entry that could land outside the tree; throws `UnsafeArchiveError`. */
export function checkEntries(
  archive: string,
  entries: readonly ArchiveEntry[],
  options: UnpackOptions = {},
): void {
  const strip = (n: string) => n.replace(/\/+$/, "").replace(/^(\.\/)+/, "");
  const links = new Set(entries.filter((e) => e.type === "l").map((e) => strip(e.name)));
  for (const e of entries) {
    const refuse = (reason: string): never => {
      throw new UnsafeArchiveError(archive, e.name, reason);
    };
    const name = strip(e.name);
    if (e.name.startsWith("/")) refuse("absolute path");
    if (name.split("/").includes("..")) refuse("path with a .. component");
    if (!"-dlh0".includes(e.type)) refuse(`special file (type ${e.type})`);
    const parts = name.split("/");
    for (let k = 1; k < parts.length; k++)
      if (links.has(parts.slice(0, k).join("/"))) refuse("path goes through a symbolic link");
    if (e.type === "l") {
      const t = e.target ?? "";
      if (t.startsWith("/")) {
        if (posix.normalize(t) === t && under(t, options.linkRoots ?? [])) continue;
        refuse(`symbolic link to an absolute path ${t}`);
      }
      if (inside(posix.join(posix.dirname(name), t)) === undefined)
        refuse(`symbolic link ${t} points outside the tree`);
    }
    if (e.type === "h") {
      const t = strip(e.target ?? "");
      if ((e.target ?? "").startsWith("/") || t.split("/").includes(".."))
        refuse(`hard link to ${e.target} outside the tree`);
    }
  }
}

/** After unpacking: every symbolic link that resolves must resolve inside `dir`. */
async function checkTree(
  archive: string,
  dir: string,
  linkRoots: readonly string[],
): Promise<void> {
  const top = await realpath(dir);
  const walk = async (rel: string): Promise<void> => {
    for (const name of await readdir(join(dir, rel))) {
      const r = rel === "" ? name : `${rel}/${name}`;
      const st = await lstat(join(dir, r));
      if (st.isSymbolicLink()) {
        let real: string;
        try {
          real = await realpath(join(dir, r));
        } catch {
          continue; // dangling: points nowhere yet
        }
        if (!under(real, [top, ...linkRoots]))
          throw new UnsafeArchiveError(
            archive,
            r,
            `symbolic link resolves to ${real}, outside the tree`,
          );
      } else if (st.isDirectory()) await walk(r);
    }
  };
  await walk("");
}

/**
 * Unpacks `archive` (tar, optionally gzip/bzip2/xz compressed) into the empty directory `dest`,
 * refusing any escape. Returns the source tree: `dest`, or its only entry when that is a directory
 * (the usual `name-version/` top directory).
 */
export async function unpackArchive(
  archive: string,
  dest: string,
  options: UnpackOptions = {},
): Promise<string> {
  const max = 256 * 1024 * 1024;
  const { stdout } = await run("tar", ["--absolute-names", "--quoting-style=c", "-tvf", archive], {
    maxBuffer: max,
    encoding: "utf8",
  });
  checkEntries(archive, parseListing(stdout), options);
  await run(
    "tar",
    [
      "-xf",
      archive,
      "-C",
      dest,
      "--no-same-owner",
      "--no-same-permissions",
      "--delay-directory-restore",
    ],
    { maxBuffer: max },
  );
  await checkTree(archive, dest, options.linkRoots ?? []);
  const top = await readdir(dest);
  if (top.length === 1 && (await lstat(join(dest, top[0]!))).isDirectory())
    return join(dest, top[0]!);
  return dest;
}

/** Whether a file name looks like an archive to unpack (else it is copied as `$src/<name>`). */
export function isArchiveName(name: string): boolean {
  return /\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz)$/.test(name);
}
