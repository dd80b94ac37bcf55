/**
 * Two machines and one OCI registry (Debian's docker-registry, the CNCF distribution registry, on
 * 127.0.0.1): machine A builds the example set and pushes it; machine B — the same root path, A's
 * root renamed away, no sources — builds the same lockfile entirely from the registry, runs it,
 * and `--check` rebuilds it from sources to find it identical; a tampered blob is refused, and the
 * path built from sources (or, offline, the build fails naming the path and why).
 */
import { execFileSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OciCache } from "../executor/cache/oci.js";
import type { CacheRecord } from "../executor/cache/record.js";
import type { StoreId } from "../generator/store.js";
import {
  keyFiles,
  type Registry,
  registryMissing,
  startRegistry,
  twoMachines,
} from "./cache-fixtures.js";
import { EXAMPLES, SANDBOX } from "./executor-examples.js";
import { pthbs } from "./helpers.js";

const missing = registryMissing();
if (missing) console.warn(`test/cache-oci.test.ts SKIPPED: ${missing}`);
const noSandbox = SANDBOX === "none" ? ["--no-sandbox"] : [];
const universe = ["-C", join(EXAMPLES, "constraints")];

/** Runs a pthbs command that must succeed; returns its JSON output. */
async function ok(...argv: string[]): Promise<Record<string, unknown>> {
  const r = await pthbs(...argv, "--json");
  if (r.code !== 0)
    throw new Error(`pthbs ${argv.join(" ")} exited ${r.code}:\n${r.stdout}${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

describe.skipIf(missing !== undefined)("two machines sharing a docker-registry", () => {
  let registry: Registry;
  beforeAll(async () => {
    registry = await startRegistry();
  }, 30_000);
  afterAll(async () => {
    await registry?.stop();
  });

  it("B builds nothing and runs every package; --check finds a pulled path identical; a tampered blob is refused", async () => {
    const m = await twoMachines();
    const { sk, pk } = await keyFiles(m.dir);
    const gen = join(m.dir, "gen");
    await ok(
      "generate",
      ...universe,
      "-f",
      join(EXAMPLES, "environments", "demo.toml"),
      "-o",
      gen,
      "--store",
      join(m.root, "store"),
    );
    const lock = join(gen, "pthbs.lock.json");
    const ids = (
      JSON.parse(await readFile(lock, "utf8")) as { packages: Record<string, { id: StoreId }> }
    ).packages;
    const hello = ids.hello!.id;

    // Machine A: build from sources, push.
    expect(
      (await ok("build", ...universe, "--lock", lock, "--root", m.root, ...noSandbox)).built,
    ).toHaveLength(3);
    const push = await ok(
      "cache",
      "push",
      registry.url,
      "--lock",
      lock,
      "--root",
      m.root,
      "--key",
      sk,
    );
    expect(push.pushed).toHaveLength(3);
    expect(
      (await ok("cache", "push", registry.url, "--lock", lock, "--root", m.root, "--key", sk))
        .present,
    ).toHaveLength(3);

    const fromRegistry = [
      "build",
      "--lock",
      lock,
      "--root",
      m.root,
      "--substituter",
      registry.url,
      "--trusted-key",
      pk,
      ...noSandbox,
    ];

    // Machine B: no sources (no -C, no mirror, offline): everything comes from the registry.
    await m.machineB();
    const b = await ok(...fromRegistry, "--offline");
    expect(b.built).toEqual([]);
    expect(b.pulled).toHaveLength(3);
    expect(b.refused).toEqual([]);
    const env = (await ok("env", "--lock", lock, "--root", m.root)).path as string;
    expect(execFileSync(join(env, "bin", "hello"), { encoding: "utf8" })).toMatch(/hello/i);
    expect((await pthbs("store", "verify", "--root", m.root)).code).toBe(0);
    const again = await ok(
      "cache",
      "pull",
      registry.url,
      hello,
      "--root",
      m.root,
      "--trusted-key",
      pk,
    );
    expect(again.valid).toEqual([hello]);
    if (SANDBOX === "bwrap") {
      const check = await ok("build", ...universe, "--lock", lock, "--root", m.root, "--check");
      expect(check.reproducible).toBe(true);
      expect(
        (check.check as { differing: string[] }[]).every((c) => c.differing.length === 0),
      ).toBe(true);
    }

    // A tampered archive blob in the registry's storage: refused; offline the build fails saying so.
    const record = (await new OciCache(registry.url).getRecord(hello)) as CacheRecord;
    const sha = record.archive.sha256;
    const blob = join(
      registry.storage,
      "docker/registry/v2/blobs/sha256",
      sha.slice(0, 2),
      sha,
      "data",
    );
    const bytes = await readFile(blob);
    bytes[bytes.length - 30]! ^= 0xff;
    await writeFile(blob, bytes);
    await m.machineB();
    const c = await pthbs(...fromRegistry, "--offline", "--json");
    expect(c.code).toBe(1);
    const out = JSON.parse(c.stdout) as {
      pulled: string[];
      refused: { id: string; message: string }[];
      failed: { id: string; message: string }[];
    };
    expect(out.pulled).toHaveLength(2);
    expect(out.refused).toEqual([
      expect.objectContaining({
        id: hello,
        message: expect.stringMatching(/archive's sha256 is \w+, the record says \w+/),
      }),
    ]);
    expect(out.failed).toEqual([
      expect.objectContaining({
        id: hello,
        message: expect.stringMatching(/cannot fetch .*hello-1\.0\.tar/),
      }),
    ]);
    const text = await pthbs(...fromRegistry, "--offline");
    expect(text.stderr).toMatch(
      /warning: not substituting hello 1\.0, building it: hello\.\w+ from oci:\/\/.*: refused: the archive's sha256/,
    );
    // With the sources at hand, the refused path is built instead.
    const d = await ok(...fromRegistry, ...universe);
    expect(d.built).toEqual([hello]);
    expect((await pthbs("store", "verify", "--root", m.root)).code).toBe(0);
  }, 120_000);
});
