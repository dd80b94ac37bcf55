/**
 * Valid store paths made directly (files written, record via `Store.markValid`), with real script
 * headers, for environment, profile and gc tests that do not need to run builds.
 */
import { chmod, mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { EnvironmentMember } from "../executor/environment.js";
import { Store } from "../executor/store.js";
import { formatScriptHeader, parseScriptHeader } from "../generator/header.js";
import { type StoreId, storeId } from "../generator/store.js";
import type { DependencyType } from "../solver/universe.js";

/** A fresh store root in a temporary directory. */
export async function scratchStore(): Promise<Store> {
  const store = new Store(join(await mkdtemp(join(tmpdir(), "pthbs-env-")), "root"));
  await store.init();
  return store;
}

/** What a fake package is: its files (relative path -> content; a trailing `*` makes it executable). */
export interface FakePackage {
  readonly name: string;
  readonly version?: string;
  readonly options?: Readonly<Record<string, boolean | string>>;
  readonly files: Readonly<Record<string, string>>;
  readonly depends?: readonly { readonly id: StoreId; readonly types: readonly DependencyType[] }[];
  /** Makes the script (hence the id) differ without changing anything else. */
  readonly salt?: string;
}

/** The script text of a fake package (a real header, a body that is never run). */
export function fakeScript(store: Store, p: FakePackage): { id: StoreId; text: string } {
  const header = formatScriptHeader({
    format: 1,
    name: p.name,
    version: p.version ?? "1.0",
    recipe: "fake",
    options: new Map(Object.entries(p.options ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))),
    source: {
      kind: "url",
      url: `https://example.invalid/${p.name}.tar`,
      sha256: "0".repeat(64),
      filename: `${p.name}.tar`,
    },
    resources: [],
    depends: (p.depends ?? [])
      .map((d) => ({
        name: d.id.slice(0, d.id.lastIndexOf(".")),
        types: d.types,
        path: store.path(d.id),
        virtuals: [],
      }))
      .sort((a, b) => (a.name < b.name ? -1 : 1)),
  });
  const text = `#!/bin/sh\n${header}\nset -eu\n# ${p.salt ?? ""}\n`;
  return { id: storeId(p.name, text), text };
}

/** Writes a fake package into the store and makes it valid; returns it as an environment member. */
export async function fakePath(store: Store, p: FakePackage): Promise<EnvironmentMember> {
  const { id, text } = fakeScript(store, p);
  for (const [rel, content] of Object.entries(p.files)) {
    const exec = rel.endsWith("*");
    const file = join(store.path(id), exec ? rel.slice(0, -1) : rel);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, content);
    if (exec) await chmod(file, 0o755);
  }
  await mkdir(store.path(id), { recursive: true });
  const h = parseScriptHeader(text);
  await store.markValid(
    {
      id,
      name: h.name,
      version: h.version,
      script: id.slice(id.lastIndexOf(".") + 1),
      depends: h.depends.map((d) => d.path),
    },
    text,
  );
  return { name: p.name, version: h.version, options: { ...(p.options ?? {}) }, id };
}
