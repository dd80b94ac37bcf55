import { spawnSync } from "node:child_process";
import {
  chmod,
  symlink as fsSymlink,
  link as hardlink,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { CollisionError } from "../executor/errors.js";
import {
  type LinkMember,
  type LinkPlan,
  type LinkPolicy,
  planLinks,
  writeLinks,
} from "../executor/link.js";
import { treeManifest } from "../executor/tree-hash.js";

/** A package tree in memory: a file (content, executable), a symlink (target text) or a directory. */
type Node =
  | { readonly t: "f"; readonly body: string; readonly x: boolean }
  | { readonly t: "l"; readonly to: string }
  | { readonly t: "d"; readonly kids: Readonly<Record<string, Node>> };

const f = (body: string, x = false): Node => ({ t: "f", body, x });
const l = (to: string): Node => ({ t: "l", to });
const d = (kids: Record<string, Node>): Node => ({ t: "d", kids });

const scratch = await mkdtemp(join(tmpdir(), "pthbs-link-"));
afterAll(() => rm(scratch, { recursive: true, force: true }));
let serial = 0;
/** A fresh directory under the scratch directory. */
async function fresh(label: string): Promise<string> {
  const p = join(scratch, `${label}-${serial++}`);
  await mkdir(p, { recursive: true });
  return p;
}

async function writeTree(path: string, node: Node): Promise<void> {
  if (node.t === "f") {
    await writeFile(path, node.body);
    await chmod(path, node.x ? 0o755 : 0o644);
  } else if (node.t === "l") await fsSymlink(node.to, path);
  else {
    await mkdir(path, { recursive: true });
    for (const [name, kid] of Object.entries(node.kids)) await writeTree(join(path, name), kid);
  }
}

/** Writes each package as `<store>/<name>` and returns the members. */
async function makeStore(pkgs: Record<string, Record<string, Node>>): Promise<LinkMember[]> {
  const store = await fresh("store");
  const members: LinkMember[] = [];
  for (const [name, kids] of Object.entries(pkgs)) {
    await writeTree(join(store, name), d(kids));
    members.push({ name, path: join(store, name) });
  }
  return members;
}

/**
 * What a symlink forest shows a user: every path below `dir`, following the environment's links
 * one hop into the store (relative or absolute), with a package's own symlinks as leaves (their
 * target text) and files as `x`/`f` plus content.
 */
async function view(dir: string, inEnv = true, prefix = "", out = new Map<string, string>()) {
  for (const name of (await readdir(dir)).sort()) {
    const rel = prefix === "" ? name : `${prefix}/${name}`;
    let p = join(dir, name);
    let st = await lstat(p);
    let store = !inEnv;
    if (inEnv && st.isSymbolicLink()) {
      p = resolve(dirname(p), await readlink(p));
      st = await lstat(p);
      store = true;
    }
    if (st.isSymbolicLink()) out.set(rel, `l:${await readlink(p)}`);
    else if (st.isDirectory()) await view(p, !store, rel, out);
    else out.set(rel, `${st.mode & 0o100 ? "x" : "f"}:${await readFile(p, "utf8")}`);
  }
  return out;
}

async function plan(
  members: readonly LinkMember[],
  policy: LinkPolicy = "files",
  prefer: readonly string[] = [],
): Promise<LinkPlan> {
  return planLinks(members, policy, prefer);
}

async function written(p: LinkPlan): Promise<string> {
  const env = join(await fresh("env"), "env");
  await writeLinks(p, env);
  return env;
}

async function exists(p: string): Promise<boolean> {
  return lstat(p).then(
    () => true,
    () => false,
  );
}

describe("planLinks and writeLinks: examples", () => {
  it("merges directories and links every file (files) into the store", async () => {
    const m = await makeStore({
      a: { bin: d({ a: f("A", true) }), lib: d({ "liba.so": f("a") }) },
      b: { bin: d({ b: f("B", true) }), share: d({ man: d({ "b.1": f("man b") }) }) },
    });
    const p = await plan(m);
    expect(p.collisions).toEqual([]);
    expect(p.dirs).toEqual(["bin", "lib", "share", "share/man"]);
    expect(p.links.map((x) => [x.path, x.owner])).toEqual([
      ["bin/a", "a"],
      ["bin/b", "b"],
      ["lib/liba.so", "a"],
      ["share/man/b.1", "b"],
    ]);
    expect(p.links[0]!.target).toBe(join(m[0]!.path, "bin/a"));
    const env = await written(p);
    expect(await readlink(join(env, "bin/b"))).toBe(join(m[1]!.path, "bin/b"));
    expect(await view(env)).toEqual(
      new Map([
        ["bin/a", "x:A"],
        ["bin/b", "x:B"],
        ["lib/liba.so", "f:a"],
        ["share/man/b.1", "f:man b"],
      ]),
    );
  });

  it("reports every collision at once, naming both packages, and writes nothing", async () => {
    const m = await makeStore({
      curl: { bin: d({ curl: f("curl 8") }), share: d({ doc: f("a file") }) },
      "curl-old": { bin: d({ curl: f("curl 7") }), share: d({ doc: d({ x: f("x") }) }) },
      wget: { bin: d({ wget: f("wget") }) },
    });
    const p = await plan(m);
    expect(p.collisions.map((c) => [c.path, c.reason, c.owners.map((o) => o.name)])).toEqual([
      ["bin/curl", "content", ["curl", "curl-old"]],
      ["share/doc", "type", ["curl", "curl-old"]],
    ]);
    expect(p.collisions[0]!.owners[1]!.path).toBe(join(m[1]!.path, "bin/curl"));
    const env = join(await fresh("env"), "env");
    const err = await writeLinks(p, env).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CollisionError);
    const msg = (err as CollisionError).message;
    expect(msg).toMatch(/bin\/curl: curl, curl-old/);
    expect(msg).toMatch(/share\/doc: curl, curl-old/);
    expect(msg).toMatch(/--prefer NAME/);
    expect(msg).toMatch(/remove one of the packages/);
    expect((err as CollisionError).collisions).toHaveLength(2);
    expect(await exists(env)).toBe(false);
  });

  it("identical files and identical symlinks are not collisions", async () => {
    const m = await makeStore({
      b: { etc: d({ conf: f("same"), ln: l("conf") }) },
      a: { etc: d({ conf: f("same"), ln: l("conf") }) },
    });
    const p = await plan(m);
    expect(p.collisions).toEqual([]);
    expect(p.links.map((x) => [x.path, x.owner])).toEqual([
      ["etc/conf", "a"],
      ["etc/ln", "a"],
    ]);
  });

  it("a different executable bit, symlink target or kind is a collision", async () => {
    const m = await makeStore({
      a: { bin: d({ tool: f("#!/bin/sh", true), ln: l("x"), mixed: f("x") }) },
      b: { bin: d({ tool: f("#!/bin/sh", false), ln: l("y"), mixed: l("x") }) },
    });
    const p = await plan(m);
    expect(p.collisions.map((c) => [c.path, c.reason])).toEqual([
      ["bin/ln", "content"],
      ["bin/mixed", "content"],
      ["bin/tool", "content"],
    ]);
  });

  it("same size, different bytes is a collision; one store file hard-linked twice is not", async () => {
    const m = await makeStore({ a: { f: f("abc") }, b: { f: f("abd") }, c: {} });
    expect((await plan(m)).collisions.map((c) => c.path)).toEqual(["f"]);
    await hardlink(join(m[0]!.path, "f"), join(m[2]!.path, "f"));
    const p = await plan([m[0]!, m[2]!]);
    expect(p.collisions).toEqual([]);
    expect(p.links).toEqual([{ path: "f", target: join(m[0]!.path, "f"), owner: "a" }]);
  });

  it("reports collisions below a directory that collides with a file", async () => {
    const m = await makeStore({
      a: { share: d({ x: f("1") }) },
      b: { share: d({ x: f("2") }) },
      c: { share: f("a file") },
    });
    const p = await plan(m);
    expect(p.collisions.map((c) => [c.path, c.reason, c.owners.map((o) => o.name)])).toEqual([
      ["share", "type", ["a", "b", "c"]],
      ["share/x", "content", ["a", "b"]],
    ]);
  });

  it("prefer resolves a collision; the earliest-listed preferred owner wins", async () => {
    const m = await makeStore({
      a: { bin: d({ sh: f("a") }) },
      b: { bin: d({ sh: f("b") }) },
      c: { bin: d({ sh: f("c") }) },
    });
    const pb = await plan(m, "files", ["b", "a"]);
    expect(pb.collisions).toEqual([]);
    expect(pb.resolved).toEqual([{ path: "bin/sh", owner: "b", others: ["a", "c"] }]);
    expect(pb.links).toEqual([{ path: "bin/sh", target: join(m[1]!.path, "bin/sh"), owner: "b" }]);
    const pa = await plan(m, "files", ["a", "b"]);
    expect(pa.resolved[0]!.owner).toBe("a");
    expect(await view(await written(pa))).toEqual(new Map([["bin/sh", "f:a"]]));
    // A name that owns nothing there does not resolve it.
    expect((await plan(m, "files", ["zzz"])).collisions).toHaveLength(1);
  });

  it("prefer a directory over a file: the directories still merge", async () => {
    const m = await makeStore({
      a: { share: d({ x: f("1") }) },
      b: { share: d({ y: f("2") }) },
      c: { share: f("a file") },
    });
    const p = await plan(m, "files", ["b"]);
    expect(p.collisions).toEqual([]);
    expect(p.resolved).toEqual([{ path: "share", owner: "b", others: ["c"] }]);
    expect(p.links.map((x) => x.path)).toEqual(["share/x", "share/y"]);
    const pc = await plan(m, "fold", ["c"]);
    expect(pc.links.map((x) => [x.path, x.owner])).toEqual([["share", "c"]]);
    expect(pc.resolved).toEqual([{ path: "share", owner: "c", others: ["a", "b"] }]);
  });

  it("fold links a directory only one member has; files links each file", async () => {
    const m = await makeStore({
      a: { include: d({ a: d({ "a.h": f("a"), sys: d({ "s.h": f("s") }) }) }), bin: d({}) },
      b: { include: d({ b: d({ "b.h": f("b") }) }), bin: d({ b: f("b", true) }) },
    });
    const fold = await plan(m, "fold");
    expect(fold.dirs).toEqual(["bin", "include"]);
    expect(fold.links.map((x) => [x.path, x.target])).toEqual([
      ["bin/b", join(m[1]!.path, "bin/b")],
      ["include/a", join(m[0]!.path, "include/a")],
      ["include/b", join(m[1]!.path, "include/b")],
    ]);
    const files = await plan(m, "files");
    expect(files.dirs).toEqual(["bin", "include", "include/a", "include/a/sys", "include/b"]);
    expect(await view(await written(fold))).toEqual(await view(await written(files)));
  });

  it("the members' roots are never folded, even for one member", async () => {
    const m = await makeStore({ only: { bin: d({ x: f("x") }), etc: f("e") } });
    const p = await plan(m, "fold");
    expect(p.dirs).toEqual([]);
    expect(p.links.map((x) => x.path)).toEqual(["bin", "etc"]);
  });

  it("refuses duplicate names, missing or relative store paths, and an existing directory", async () => {
    const m = await makeStore({ a: { f: f("1") } });
    await expect(planLinks([m[0]!, { ...m[0]! }], "files", [])).rejects.toThrow(/named a/);
    await expect(planLinks([{ name: "b", path: "b" }], "files", [])).rejects.toThrow(/absolute/);
    const gone = { name: "gone", path: join(m[0]!.path, "nothing") };
    await expect(planLinks([gone], "files", [])).rejects.toThrow(/gone is not a directory/);
    const p = await plan(m);
    const env = await fresh("existing");
    await expect(writeLinks(p, env)).rejects.toThrow(/already exists/);
    expect(await readdir(env)).toEqual([]);
  });

  it("refuses a hand-made plan that would write through a folded link into the store", async () => {
    const m = await makeStore({ a: { include: d({ "a.h": f("a") }) } });
    const p = await plan(m, "fold");
    const bad: LinkPlan = {
      ...p,
      links: [...p.links, { path: "include/evil", target: "/etc/passwd", owner: "a" }],
    };
    const env = join(await fresh("env"), "env");
    await expect(writeLinks(bad, env)).rejects.toThrow(/malformed link plan/);
    await expect(writeLinks({ ...p, dirs: ["../x"] }, env)).rejects.toThrow(/malformed/);
    expect(await exists(join(m[0]!.path, "include/evil"))).toBe(false);
  });
});

// ---- properties ----------------------------------------------------------------------------

const NAMES = ["bin", "lib", "man", "x", "y"];
/** Small trees over few names, so that packages overlap often. */
const tree: fc.Arbitrary<Record<string, Node>> = fc.letrec<{
  node: Node;
  dir: Record<string, Node>;
}>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.record({ t: fc.constant("f" as const), body: fc.constantFrom("1", "2"), x: fc.boolean() }),
    fc.record({ t: fc.constant("l" as const), to: fc.constantFrom("t1", "t2") }),
    tie("dir").map((kids): Node => ({ t: "d", kids })),
  ),
  dir: fc.dictionary(fc.constantFrom(...NAMES), tie("node"), { maxKeys: 3 }),
})).dir;
const PKGS = ["p", "q", "r", "s"];
const packages = fc
  .uniqueArray(fc.constantFrom(...PKGS), { minLength: 1, maxLength: 4 })
  .chain((names) => fc.tuple(...names.map((n) => tree.map((t) => [n, t] as const))))
  .map((pairs) => Object.fromEntries(pairs) as Record<string, Record<string, Node>>);
const PROPS = { numRuns: 40, seed: 20261126, endOnFailure: true };

/** The model: for every path, each member's node there (only members where every parent is a directory). */
function owners(pkgs: Record<string, Record<string, Node>>): Map<string, [string, Node][]> {
  const out = new Map<string, [string, Node][]>();
  const go = (name: string, kids: Readonly<Record<string, Node>>, prefix: string): void => {
    for (const [k, n] of Object.entries(kids)) {
      const p = prefix === "" ? k : `${prefix}/${k}`;
      out.set(p, [...(out.get(p) ?? []), [name, n]]);
      if (n.t === "d") go(name, n.kids, p);
    }
  };
  for (const name of Object.keys(pkgs).sort()) go(name, pkgs[name]!, "");
  return out;
}
const same = (a: Node, b: Node): boolean =>
  a.t === "f" && b.t === "f"
    ? a.body === b.body && a.x === b.x
    : a.t === "l" && b.t === "l" && a.to === b.to;

/** The model's answer: collided paths, and the view (path -> leaf) after `prefer`. */
function model(pkgs: Record<string, Record<string, Node>>, prefer: readonly string[]) {
  const collisions: string[] = [];
  const view = new Map<string, string>();
  const dropped: string[] = [];
  for (const [p, entries] of [...owners(pkgs)].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (dropped.some((q) => p.startsWith(`${q}/`))) continue;
    const dirs = entries.filter(([, n]) => n.t === "d");
    const leaves = entries.filter(([, n]) => n.t !== "d");
    const agree =
      dirs.length === 0 ? leaves.every(([, n]) => same(n, leaves[0]![1])) : leaves.length === 0;
    let leaf: Node | undefined = dirs.length === 0 ? leaves[0]?.[1] : undefined;
    if (!agree) {
      const w = prefer.find((name) => entries.some(([o]) => o === name));
      if (w === undefined) {
        collisions.push(p);
        continue;
      }
      const won = entries.find(([o]) => o === w)![1];
      leaf = won.t === "d" ? undefined : won;
      if (leaf) dropped.push(p);
    }
    if (leaf?.t === "f") view.set(p, `${leaf.x ? "x" : "f"}:${leaf.body}`);
    if (leaf?.t === "l") view.set(p, `l:${leaf.to}`);
  }
  return { collisions, view };
}

function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = (seed * (i + 7)) % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe("planLinks and writeLinks: properties", () => {
  it("collisions and the view match the model; fold and files show the same view", async () => {
    await fc.assert(
      fc.asyncProperty(packages, fc.shuffledSubarray(PKGS), async (pkgs, prefer) => {
        const m = await makeStore(pkgs);
        const want = model(pkgs, prefer);
        for (const policy of ["files", "fold"] as const) {
          const p = await plan(m, policy, prefer);
          expect(p.collisions.map((c) => c.path)).toEqual(want.collisions);
          if (want.collisions.length > 0) continue;
          expect(await view(await written(p))).toEqual(want.view);
        }
      }),
      PROPS,
    );
  });

  it("the plan and the written tree do not depend on the members' order", async () => {
    await fc.assert(
      fc.asyncProperty(packages, fc.nat(1000), async (pkgs, seed) => {
        const m = await makeStore(pkgs);
        for (const policy of ["files", "fold"] as const) {
          const a = await plan(m, policy, PKGS);
          const b = await plan(shuffled(m, seed), policy, PKGS);
          expect(b).toEqual(a);
          expect(await treeManifest(await written(b))).toEqual(
            await treeManifest(await written(a)),
          );
        }
      }),
      PROPS,
    );
  });

  it("fold links a directory only where one member has it; files never links a directory", async () => {
    await fc.assert(
      fc.asyncProperty(packages, async (pkgs) => {
        const m = await makeStore(pkgs);
        const dirOwners = new Map(
          [...owners(pkgs)].map(([p, es]) => [p, es.filter(([, n]) => n.t === "d").length]),
        );
        const fold = await plan(m, "fold", PKGS);
        const files = await plan(m, "files", PKGS);
        for (const x of fold.links)
          if ((await lstat(x.target)).isDirectory()) expect(dirOwners.get(x.path)).toBe(1);
        for (const x of files.links) expect((await lstat(x.target)).isDirectory()).toBe(false);
        for (const dir of fold.dirs) expect(dirOwners.get(dir)).toBeGreaterThan(1);
      }),
      PROPS,
    );
  });
});

// ---- GNU Stow as an oracle -----------------------------------------------------------------

const hasStow = spawnSync("stow", ["--version"]).status === 0;
if (!hasStow) console.warn("link.test.ts: stow is not installed; skipping the GNU Stow oracle");

describe.skipIf(!hasStow)("GNU Stow as an oracle", () => {
  /** Packages sharing directory names but no file names: no collisions, for Stow either. */
  const disjoint = fc
    .uniqueArray(fc.constantFrom(...PKGS), { minLength: 1, maxLength: 4 })
    .chain((names) =>
      fc.tuple(
        ...names.map((n) =>
          fc
            .array(
              fc.tuple(
                fc.array(fc.constantFrom("bin", "lib", "share", "man1"), { maxLength: 3 }),
                fc.constantFrom("a", "b", "c"),
                fc.constantFrom("f1", "f2"),
                fc.boolean(),
              ),
              { minLength: 1, maxLength: 6 },
            )
            .map((files) => {
              const root: Record<string, Node> = {};
              for (const [dirs, base, body, link] of files) {
                let kids = root;
                for (const dir of dirs) {
                  const next = kids[dir];
                  if (next?.t !== "d") kids[dir] = d({});
                  kids = (kids[dir] as { kids: Record<string, Node> }).kids;
                }
                const name = `${n}-${base}`;
                if (!kids[name]) kids[name] = link ? l(body) : f(`${n}${body}`);
              }
              return [n, root] as const;
            }),
        ),
      ),
    )
    .map((pairs) => Object.fromEntries(pairs) as Record<string, Record<string, Node>>);

  it("what our environment shows equals what stow links", async () => {
    await fc.assert(
      fc.asyncProperty(disjoint, async (pkgs) => {
        const m = await makeStore(pkgs);
        const target = await fresh("stow-target");
        const r = spawnSync("stow", [
          "-d",
          dirname(m[0]!.path),
          "-t",
          target,
          ...Object.keys(pkgs),
        ]);
        expect(r.status, r.stderr.toString()).toBe(0);
        const theirs = await view(target);
        for (const policy of ["files", "fold"] as const)
          expect(await view(await written(await plan(m, policy)))).toEqual(theirs);
      }),
      { ...PROPS, numRuns: 15 },
    );
  });
});
