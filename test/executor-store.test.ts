import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Lock } from "../executor/lock.js";
import { Store } from "../executor/store.js";
import { treeHash } from "../executor/tree-hash.js";
import type { StoreId } from "../generator/store.js";

const FAST = { heartbeatMs: 50, staleMs: 400, pollMs: 10 };
const ID = `hello.${"a".repeat(64)}` as StoreId;

async function freshStore(): Promise<Store> {
  const s = new Store(await mkdtemp(join(tmpdir(), "pthbs-store-")), FAST);
  await s.init();
  return s;
}

describe("Store", () => {
  it("a path is valid only once its record is written", async () => {
    const s = await freshStore();
    await mkdir(s.path(ID));
    await writeFile(join(s.path(ID), "f"), "x");
    expect(await s.isValid(ID)).toBe(false);
    const r = await s.markValid(
      { id: ID, name: "hello", version: "1", script: "a".repeat(64), depends: [] },
      "#!/bin/sh\n",
    );
    expect(await s.isValid(ID)).toBe(true);
    expect(r.tree).toBe(await treeHash(s.path(ID)));
    expect((await s.verify(r)).ok).toBe(true);
    await writeFile(join(s.path(ID), "f"), "y");
    expect((await s.verify(r)).ok).toBe(false);
    expect((await s.find("hello")).map((x) => x.id)).toEqual([ID]);
  });

  it("refuses a root that scripts could not name", () => {
    expect(() => new Store("/tmp/a b")).toThrow(/plain absolute path/);
  });
});

describe("Lock", () => {
  it("excludes a second holder until released", async () => {
    const s = await freshStore();
    const a = await Lock.tryAcquire(s.lockPath("k"), FAST);
    expect(a).toBeDefined();
    expect(await Lock.tryAcquire(s.lockPath("k"), FAST)).toBeUndefined();
    await a!.release();
    const b = await Lock.tryAcquire(s.lockPath("k"), FAST);
    expect(b).toBeDefined();
    await b!.release();
  });

  it("breaks the lock of a dead process on this host", async () => {
    const s = await freshStore();
    const child = spawn("true");
    const pid = await new Promise<number>((ok) => child.on("exit", () => ok(child.pid!)));
    await writeFile(s.lockPath("k"), JSON.stringify({ host: hostname(), pid, token: "dead" }));
    const l = await Lock.tryAcquire(s.lockPath("k"), FAST);
    expect(l).toBeDefined();
    expect(await readFile(s.lockPath("k"), "utf8")).not.toContain("dead");
    await l!.release();
  });

  it("breaks an untouched lock of another host after staleMs", async () => {
    const s = await freshStore();
    await writeFile(s.lockPath("k"), JSON.stringify({ host: "elsewhere", pid: 1, token: "t" }));
    expect(await Lock.tryAcquire(s.lockPath("k"), FAST)).toBeUndefined();
    await new Promise((ok) => setTimeout(ok, FAST.staleMs + 50));
    const l = await Lock.tryAcquire(s.lockPath("k"), FAST);
    expect(l).toBeDefined();
    await l!.release();
  });
});
