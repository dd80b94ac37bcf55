/**
 * The hash of a directory tree's contents: what a validity record stores and `pthbs store verify`
 * and `--check` compare. It covers every entry's relative path, kind, executable bit, file bytes
 * and link target — not times, owners or other permission bits, which builds do not control.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { lstat, readdir, readlink } from "node:fs/promises";
import { join } from "node:path";

/** One entry of a tree, as hashed: `d`, `f`/`x` (file, executable file) with its sha256, `l` with its target. */
export type TreeEntry =
  | { readonly kind: "d" }
  | { readonly kind: "f" | "x"; readonly sha256: string }
  | { readonly kind: "l"; readonly target: string };

/** Every entry under `root` by relative path (`/`-separated), in sorted order. */
export async function treeManifest(root: string): Promise<Map<string, TreeEntry>> {
  const out = new Map<string, TreeEntry>();
  const walk = async (rel: string): Promise<void> => {
    const names = (await readdir(join(root, rel))).sort();
    for (const name of names) {
      const r = rel === "" ? name : `${rel}/${name}`;
      const p = join(root, r);
      const st = await lstat(p);
      if (st.isSymbolicLink()) out.set(r, { kind: "l", target: await readlink(p) });
      else if (st.isDirectory()) {
        out.set(r, { kind: "d" });
        await walk(r);
      } else if (st.isFile())
        out.set(r, { kind: st.mode & 0o100 ? "x" : "f", sha256: await fileSha256(p) });
      else out.set(r, { kind: "f", sha256: `special:${st.mode.toString(8)}` });
    }
  };
  await walk("");
  return out;
}

/** The sha256 (hex) of a file's bytes, streamed. */
export async function fileSha256(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** One line per entry, the text that is hashed. */
function entryLine(path: string, e: TreeEntry): string {
  const tail = e.kind === "d" ? "" : e.kind === "l" ? JSON.stringify(e.target) : e.sha256;
  return `${e.kind} ${JSON.stringify(path)} ${tail}\n`;
}

/** The hash of a manifest: `sha256:` and 64 hex digits. */
export function manifestHash(manifest: ReadonlyMap<string, TreeEntry>): string {
  const hash = createHash("sha256");
  for (const [path, e] of manifest) hash.update(entryLine(path, e));
  return `sha256:${hash.digest("hex")}`;
}

/** The hash of the tree at `root`. */
export async function treeHash(root: string): Promise<string> {
  return manifestHash(await treeManifest(root));
}

/** The paths whose entries differ between two manifests (added, removed or changed), sorted. */
export function manifestDiff(
  a: ReadonlyMap<string, TreeEntry>,
  b: ReadonlyMap<string, TreeEntry>,
): string[] {
  const paths = new Set([...a.keys(), ...b.keys()]);
  return [...paths]
    .filter((p) => {
      const x = a.get(p);
      const y = b.get(p);
      return !x || !y || entryLine(p, x) !== entryLine(p, y);
    })
    .sort();
}
