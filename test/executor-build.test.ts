import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HashMismatchError } from "../executor/errors.js";
import { buildAll } from "../executor/schedule.js";
import { Store } from "../executor/store.js";
import { exampleScript, exampleSet, packExample, SANDBOX, TEST_RUN } from "./executor-examples.js";

const sandbox = SANDBOX;
const OPTS = TEST_RUN;

async function fresh() {
  const dir = await mkdtemp(join(tmpdir(), "pthbs-build-"));
  const store = new Store(join(dir, "root"));
  const tarballs = join(dir, "tarballs");
  await mkdir(tarballs);
  return { dir, store, tarballs };
}

describe("buildAll", () => {
  it(`builds the examples from a clean root (sandbox: ${sandbox}); a second run builds nothing`, async () => {
    const { store, tarballs } = await fresh();
    const scripts = await exampleSet(store.storeDir, tarballs);
    const first = await buildAll(store, scripts, OPTS);
    expect(first.failed).toEqual([]);
    expect(first.built).toEqual(scripts.map((s) => s.id));
    const hello = execFileSync(join(store.path(scripts[1]!.id), "bin", "hello"), {
      encoding: "utf8",
    });
    expect(hello).toBe("hello from pthbs\n");
    const second = await buildAll(store, scripts, OPTS);
    expect(second.built).toEqual([]);
    expect(second.valid.sort()).toEqual(scripts.map((s) => s.id).sort());
    expect(await readdir(join(store.root, "tmp"))).toEqual([]);
  });

  it("runs the script with only the contract's environment, in an empty directory", async () => {
    const { store, tarballs } = await fresh();
    const body = 'mkdir -p "$out"; env | sort > "$out/env"; ls -A > "$out/ls"; pwd > "$out/pwd"\n';
    const s = await exampleScript(
      "greet",
      packExample("greet", "1.0", tarballs),
      [],
      store.storeDir,
      body,
    );
    const r = await buildAll(store, [s], OPTS);
    expect(r.failed).toEqual([]);
    const env = await readFile(join(store.path(s.id), "env"), "utf8");
    const names = env
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => l.slice(0, l.indexOf("=")))
      .filter((n) => n !== "PWD" && n !== "SHLVL" && n !== "_" && n !== "OLDPWD");
    expect(names).toEqual([
      "HOME",
      "LC_ALL",
      "PATH",
      "SOURCE_DATE_EPOCH",
      "TZ",
      "jobs",
      "out",
      "src",
    ]);
    expect(await readFile(join(store.path(s.id), "ls"), "utf8")).toBe("");
  });

  it("a failed build leaves nothing valid and shows the log's tail", async () => {
    const { store, tarballs } = await fresh();
    const body = 'mkdir -p "$out"; echo half > "$out/f"; echo "the reason" >&2; exit 3\n';
    const bad = await exampleScript(
      "greet",
      packExample("greet", "1.0", tarballs),
      [],
      store.storeDir,
      body,
    );
    const r = await buildAll(store, [bad], OPTS);
    expect(r.failed).toHaveLength(1);
    expect(r.failed[0]!.error.message).toContain("the reason");
    expect(r.failed[0]!.error.message).toContain(store.logPath(bad.id));
    expect(await store.isValid(bad.id)).toBe(false);
    expect(await readdir(store.storeDir)).toEqual([]);
  });

  it("skips dependents of a failure and, with keepGoing, builds the rest", async () => {
    const { store, tarballs } = await fresh();
    const tgz = packExample("greet", "1.0", tarballs);
    const bad = await exampleScript("greet", tgz, [], store.storeDir, "exit 1\n");
    const up = await exampleScript("hello-c", tgz, [bad], store.storeDir, 'mkdir -p "$out"\n');
    const other = await exampleScript("other", tgz, [], store.storeDir, 'mkdir -p "$out"\n');
    const r = await buildAll(store, [bad, up, other], { ...OPTS, parallel: 1, keepGoing: true });
    expect(r.failed.map((f) => f.id)).toEqual([bad.id]);
    expect(r.skipped).toEqual([up.id]);
    expect(r.built).toEqual([other.id]);
  });

  it("refuses a tampered source naming both hashes", async () => {
    const { store, tarballs } = await fresh();
    const [greet] = await exampleSet(store.storeDir, tarballs);
    await writeFile(join(tarballs, "greet-1.0.tar.gz"), "tampered");
    const r = await buildAll(store, [greet!], OPTS);
    expect(r.failed[0]!.error).toBeInstanceOf(HashMismatchError);
    expect(r.failed[0]!.error.message).toContain(
      greet!.header.source.kind === "url" ? greet!.header.source.sha256 : "",
    );
  });

  const probe = (root: string) => `mkdir -p "$out"
if tail -n +3 /proc/net/dev | grep -v ' lo:' | grep -q .; then echo iface > "$out/iface"; fi
if python3 -c 'import socket; socket.create_connection(("192.0.2.1", 9), 0.5)' 2>"$out/connect"; then echo net > "$out/net"; fi
grep -q -i unreachable "$out/connect" && rm "$out/connect"
if touch /usr/pthbs-escape 2>/dev/null; then echo rw > "$out/rw"; fi
if touch ${root}/escape 2>/dev/null; then echo rw > "$out/root"; fi
`;

  it.skipIf(sandbox !== "bwrap")("the sandbox has no network and a read-only host", async () => {
    const { store, tarballs } = await fresh();
    const tgz = packExample("greet", "1.0", tarballs);
    const s = await exampleScript("greet", tgz, [], store.storeDir, probe(store.storeDir));
    const r = await buildAll(store, [s], OPTS);
    expect(r.failed).toEqual([]);
    expect(await readdir(store.path(s.id))).toEqual([]);
    // The probe sees the host's interfaces without the sandbox (so it would see a leak).
    const open = await exampleScript("other", tgz, [], store.storeDir, probe(store.storeDir));
    await buildAll(store, [open], { ...OPTS, sandbox: "none" });
    expect(await readdir(store.path(open.id))).toContain("iface");
  });
});
