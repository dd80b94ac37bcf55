/**
 * Where the executor's scripts come from: a directory written by `pthbs generate -o DIR`, or a
 * generation in memory. A script's id must be `<name>.<sha256 of its text>`: a file renamed or
 * edited after generation is refused, since its store path would not match its contents.
 */
import { readdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Generation } from "../generator/generate.js";
import { parseScriptHeader } from "../generator/header.js";
import type { Lockfile } from "../generator/lockfile.js";
import { type StoreId, storeId } from "../generator/store.js";
import type { BuildScript } from "./build.js";
import { StoreError } from "./errors.js";

/** Every `<id>.sh` of a directory, checked against its id, sorted by id. */
export async function readScriptDir(dir: string): Promise<BuildScript[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith(".sh")).sort();
  const out: BuildScript[] = [];
  for (const n of names) {
    const file = join(dir, n);
    const text = await readFile(file, "utf8");
    const header = parseScriptHeader(text);
    const id = storeId(header.name, text);
    if (`${id}.sh` !== n)
      throw new StoreError(
        `the script's id is ${id}: it was edited or renamed after generation`,
        file,
      );
    out.push({ id, text, header });
  }
  return out;
}

/** The scripts of a generation. */
export function generationScripts(g: Generation): BuildScript[] {
  return g.scripts.map((s) => ({ id: s.id as StoreId, text: s.text, header: s.header }));
}

/**
 * The scripts `pthbs generate -o DIR` wrote next to a lockfile (`DIR/<id>.sh` for each package it
 * builds), each checked against its id; undefined when any is missing.
 */
export async function lockfileScripts(
  lockfilePath: string,
  lockfile: Lockfile,
): Promise<BuildScript[] | undefined> {
  const dir = dirname(lockfilePath);
  const out: BuildScript[] = [];
  for (const p of lockfile.packages) {
    if (p.id === undefined) continue;
    const file = join(dir, `${p.id}.sh`);
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch {
      return undefined;
    }
    const header = parseScriptHeader(text);
    if (storeId(header.name, text) !== p.id)
      throw new StoreError(`the script's id is not ${p.id}: it was edited after generation`, file);
    out.push({ id: p.id, text, header });
  }
  return out;
}
