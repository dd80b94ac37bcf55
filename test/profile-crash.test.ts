/**
 * `profile switch` killed with SIGKILL: at each step of the switch, and at random moments chosen
 * by fast-check. Whatever is killed when, the profile is exactly the old or the new generation,
 * it works, and the next switch succeeds. Runs the code compiled into a scratch directory.
 */
import { spawn } from "node:child_process";
import { readdir, readFile, readlink } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createEnvironment, type EnvironmentId } from "../executor/environment.js";
import { Profile, type SwitchStep } from "../executor/profile.js";
import type { Store } from "../executor/store.js";
import { compiledForTests } from "./compiled.js";
import { fakePath, scratchStore } from "./store-fixtures.js";

const dist = compiledForTests("profile-crash");

/** A root whose profile `p` is at generation 1 (old), and a second environment (new). */
async function setup(): Promise<{ store: Store; old: EnvironmentId; next: EnvironmentId }> {
  const store = await scratchStore();
  const a = await fakePath(store, { name: "tool", files: { "bin/tool*": "old" } });
  const b = await fakePath(store, { name: "tool", version: "2", files: { "bin/tool*": "new" } });
  const old = (await createEnvironment(store, [a])).record.id;
  const next = (await createEnvironment(store, [b])).record.id;
  await new Profile(store, "p").switchTo(old);
  return { store, old, next };
}

/**
 * Switches `p` to `env` in a child process. `killAt`: a step at which the child kills itself;
 * `killAfterMs`: the parent kills it that long after it says it is about to switch.
 */
function switcher(
  root: string,
  env: string,
  kill: { killAt?: SwitchStep; killAfterMs?: number },
): Promise<number | null> {
  const code = `
    const { Store } = await import(${JSON.stringify(pathToFileURL(join(dist(), "executor", "store.js")).href)});
    const { Profile } = await import(${JSON.stringify(pathToFileURL(join(dist(), "executor", "profile.js")).href)});
    const killAt = ${JSON.stringify(kill.killAt ?? null)};
    const p = new Profile(new Store(${JSON.stringify(root)}), "p");
    process.stdout.write("go\\n");
    await p.switchTo(${JSON.stringify(env)}, {
      onStep: (s) => { if (s === killAt) process.kill(process.pid, "SIGKILL"); },
    });`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", code], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  child.stdout.once("data", () => {
    if (kill.killAfterMs !== undefined) setTimeout(() => child.kill("SIGKILL"), kill.killAfterMs);
  });
  return new Promise((ok) => child.on("exit", (c) => ok(c)));
}

/** The profile is the old or the new generation, whole; returns which. */
async function whichGeneration(store: Store, old: EnvironmentId, next: EnvironmentId) {
  const p = new Profile(store, "p");
  const n = await p.current();
  const g = await p.generation(n as number);
  expect([old, next]).toContain(g.environment);
  const content = await readFile(join(p.path, "bin", "tool"), "utf8");
  expect(content).toBe(g.environment === old ? "old" : "new");
  return content as "old" | "new";
}

/** After a crash: a new switch works, and leaves no link aside. */
async function recovers(store: Store, old: EnvironmentId) {
  const p = new Profile(store, "p");
  const g = await p.switchTo(old);
  expect(await readFile(join(p.path, "bin", "tool"), "utf8")).toBe("old");
  expect(await readlink(p.path)).toBe(`p-${g.generation.number}-link`);
  const names = await readdir(join(store.root, "profiles"));
  expect(names.filter((n) => n.startsWith("."))).toEqual([]);
}

describe("profile switch killed with SIGKILL", () => {
  it("at each step: before the rename it is the old generation, after it the new", async () => {
    const steps: [SwitchStep, "old" | "new"][] = [
      ["generation-linked", "old"],
      ["profile-linked-aside", "old"],
      ["profile-renamed", "new"],
    ];
    for (const [step, expected] of steps) {
      const { store, old, next } = await setup();
      expect(await switcher(store.root, next, { killAt: step })).toBeNull(); // killed
      expect(await whichGeneration(store, old, next)).toBe(expected);
      await recovers(store, old);
    }
    // And not killed at all.
    const { store, old, next } = await setup();
    expect(await switcher(store.root, next, {})).toBe(0);
    expect(await whichGeneration(store, old, next)).toBe("new");
  }, 60_000);

  it("at random moments, never leaves a broken profile", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 40 }), async (ms) => {
        const { store, old, next } = await setup();
        await switcher(store.root, next, { killAfterMs: ms });
        await whichGeneration(store, old, next);
        await recovers(store, old);
      }),
      { seed: 3, numRuns: 12 },
    );
  }, 120_000);
});
