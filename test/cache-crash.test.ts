/**
 * `pthbs cache pull` as a process killed with SIGKILL at a random moment (fast-check picks when):
 * the store is as before — every valid path complete and matching its record, no half-unpacked
 * path valid — and the next pull finishes the job and leaves no scratch directory or lock.
 */
import { spawn } from "node:child_process";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DirectoryCache } from "../executor/cache/directory.js";
import { substitute } from "../executor/cache/pull.js";
import { pushPaths } from "../executor/cache/push.js";
import { Store } from "../executor/store.js";
import type { StoreId } from "../generator/store.js";
import { testKeys, twoMachines } from "./cache-fixtures.js";
import { compiledForTests } from "./compiled.js";
import { fakePath } from "./store-fixtures.js";

const dist = compiledForTests("cache-crash");
const KEYS = testKeys();

/** A chain of four paths of 300 files each, pushed to a directory cache; then an empty machine B. */
async function pushedChain() {
  const m = await twoMachines();
  let below: StoreId | undefined;
  for (let i = 0; i < 4; i++) {
    const files: Record<string, string> = {};
    for (let f = 0; f < 300; f++) files[`share/p${i}/f${f}`] = `${i}:${f}\n`.repeat(50);
    const p = await fakePath(m.a, {
      name: `p${i}`,
      files,
      ...(below && { depends: [{ id: below, types: ["run"] }] }),
    });
    below = p.id;
  }
  const cache = new DirectoryCache("cache", join(m.dir, "cache"));
  await pushPaths(m.a, cache, [below!], { key: KEYS.secret, compression: "gzip", closure: true });
  return { root: m.root, cache, top: below!, store: await m.machineB() };
}

/** Runs `pthbs cache pull` in a child, killed with SIGKILL `killAfterMs` after its first lock. */
function puller(root: string, cache: string, id: string, killAfterMs: number) {
  const args = [join(dist(), "cli", "main.js"), "cache", "pull", cache, id, "--root", root];
  const child = spawn(process.execPath, [...args, "--trusted-key", KEYS.publicText], {
    stdio: "ignore",
  });
  const poll = setInterval(async () => {
    const locks = await readdir(join(root, "locks")).catch(() => []);
    if (locks.length === 0 && child.exitCode === null) return;
    clearInterval(poll);
    setTimeout(() => child.kill("SIGKILL"), killAfterMs);
  }, 2);
  return new Promise<number | null>((ok) => child.on("exit", (code) => ok(code)));
}

describe("a pull killed with SIGKILL", () => {
  it("leaves no half path valid, and the next pull completes", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 400 }), async (killAfter) => {
        const { root, cache, top, store } = await pushedChain();
        await puller(root, cache.dir, top, killAfter);
        const after = new Store(root);
        for (const r of await after.valid()) expect((await after.verify(r)).ok).toBe(true);
        const options = { caches: [cache], trusted: [KEYS.public] };
        expect(await substitute(store, top, options)).not.toBe("absent");
        await store.removeStaleTemp();
        const valid = await store.valid();
        expect(valid).toHaveLength(4);
        for (const r of valid) expect((await store.verify(r)).ok).toBe(true);
        expect(await readdir(join(root, "tmp"))).toEqual([]);
        expect(await readdir(join(root, "locks"))).toEqual([]);
      }),
      { numRuns: 6 },
    );
  }, 120_000);
});
