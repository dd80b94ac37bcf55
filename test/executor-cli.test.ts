import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Progress } from "../cli/progress.js";
import type { BuildScript } from "../executor/build.js";
import type { BuildEvent } from "../executor/schedule.js";
import { Store } from "../executor/store.js";
import type { StoreId } from "../generator/store.js";
import { exampleScript, exampleSet, packExample, SANDBOX } from "./executor-examples.js";
import { pthbs } from "./helpers.js";

/** A root, and the example scripts written to a directory as `pthbs generate -o` would. */
async function setup(): Promise<{
  root: string;
  scripts: string;
  set: BuildScript[];
  tarballs: string;
}> {
  const dir = await mkdtemp(join(tmpdir(), "pthbs-cli-"));
  const root = join(dir, "root");
  const scripts = join(dir, "scripts");
  const tarballs = join(dir, "tarballs");
  await mkdir(scripts);
  await mkdir(tarballs);
  const set = await exampleSet(new Store(root).storeDir, tarballs);
  for (const s of set) await writeFile(join(scripts, `${s.id}.sh`), s.text);
  return { root, scripts, set, tarballs };
}

describe("pthbs build, fetch, store", () => {
  it("fetches, builds, then builds nothing; lists, locates and verifies the paths", async () => {
    const { root, scripts, set } = await setup();
    const fetched = await pthbs(
      "fetch",
      "--scripts",
      scripts,
      "--root",
      root,
      "--offline",
      "--json",
    );
    expect(fetched.code).toBe(0);
    expect(JSON.parse(fetched.stdout).sources).toHaveLength(2);
    const first = await pthbs("build", "--scripts", scripts, "--root", root, "-j", "2", "--json");
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout).built).toEqual(set.map((s) => s.id));
    const second = await pthbs("build", "--scripts", scripts, "--root", root);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^0 built, 2 already valid, 0 failed, 0 skipped/);
    const ls = await pthbs("store", "ls", "--root", root);
    expect(ls.stdout).toContain(`hello-c 1.0 ${root}/store/${set[1]!.id}\n`);
    const path = await pthbs("store", "path", "greet", "--root", root);
    expect(path.stdout).toBe(`${root}/store/${set[0]!.id}\n`);
    expect((await pthbs("store", "path", "nothing", "--root", root)).code).toBe(1);
    expect((await pthbs("store", "verify", "--root", root)).code).toBe(0);
    await writeFile(join(root, "store", set[0]!.id, "bin", "greet"), "tampered");
    const verify = await pthbs("store", "verify", "--root", root);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain(`MODIFIED ${root}/store/${set[0]!.id}`);
  });

  it("refuses a tampered source with both hashes and exit 1", async () => {
    const { root, scripts, set, tarballs } = await setup();
    await writeFile(join(tarballs, "greet-1.0.tar.gz"), "tampered");
    const r = await pthbs("build", "--scripts", scripts, "--root", root);
    expect(r.code).toBe(1);
    const h = set[0]!.header.source;
    expect(r.stderr).toContain(h.kind === "url" ? h.sha256 : "?");
    expect(r.stderr).toMatch(/got [0-9a-f]{64}/);
  });

  it("exits 2 on usage errors", async () => {
    const { root, scripts } = await setup();
    expect((await pthbs("build", "--scripts", scripts, "--lock", "x", "--root", root)).code).toBe(
      2,
    );
    expect((await pthbs("build", "--scripts", scripts, "-j", "0", "--root", root)).code).toBe(2);
    expect((await pthbs("build", "--help")).code).toBe(0);
  });
});

describe.skipIf(SANDBOX !== "bwrap")("pthbs build --check", () => {
  it("passes on a reproducible package and names the file that differs on one writing the time", async () => {
    const { root, scripts, set, tarballs } = await setup();
    const ok = await pthbs("build", "--scripts", scripts, "--root", root, "--check");
    expect(ok.stderr).not.toMatch(/error/);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`reproducible     ${root}/store/${set[1]!.id}`);
    const one = await pthbs("build", "--scripts", scripts, "--root", root, "--check=hello-c");
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout.match(/^reproducible/gm)).toHaveLength(1);
    expect(one.stdout).toContain(`reproducible     ${root}/store/${set[1]!.id}`);
    const unknown = await pthbs("build", "--scripts", scripts, "--root", root, "--check=nope");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("--check names nope, which the set does not hold: use one of");
    const stamped = join(tarballs, "..", "stamped");
    await mkdir(stamped);
    const s = await exampleScript(
      "stamp",
      packExample("greet", "1.0", tarballs),
      [],
      new Store(root).storeDir,
      'mkdir -p "$out/share"; echo same > "$out/share/same"; date +%s%N > "$out/share/time"\n',
    );
    await writeFile(join(stamped, `${s.id}.sh`), s.text);
    const r = await pthbs("build", "--scripts", stamped, "--root", root, "--check", "--json");
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout).check).toEqual([{ id: s.id, differing: ["share/time"] }]);
  });
});

describe("build progress", () => {
  it("redraws one status line on a terminal, prints plain lines elsewhere, nothing for --json", () => {
    const id = `p.${"a".repeat(64)}` as StoreId;
    const names = new Map([[id as string, "p 1.0"]]);
    const events: BuildEvent[] = [
      { kind: "plan", toBuild: 1 },
      { kind: "start", id },
      { kind: "done", id, outcome: "built", ms: 1500 },
    ];
    const run = (mode: "tty" | "lines" | "quiet") => {
      let err = "";
      const p = new Progress(
        { stdout: () => {}, stderr: (t) => (err += t), color: false },
        mode,
        names,
      );
      for (const e of events) p.onEvent(e);
      p.finish();
      return err;
    };
    expect(run("tty")).toContain("[0/1] 0:00 building p 1.0");
    expect(run("tty")).toContain("built    p 1.0 in 1.5 s\n");
    expect(run("tty").endsWith("\r\u001b[K")).toBe(true);
    expect(run("lines")).toBe(`building p 1.0 (${id})\nbuilt    p 1.0 in 1.5 s\n`);
    expect(run("quiet")).toBe("");
  });
});

describe("pthbs build and fetch from a request or a lockfile", () => {
  it("solves and renders for the root's store, and fails clearly offline", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pthbs-cli-"));
    const r = await pthbs(
      "fetch",
      "-f",
      "environments/minimal.toml",
      "--root",
      join(dir, "root"),
      "--offline",
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot fetch https:\/\/\S+/);
    expect(r.stderr).toMatch(/no network \(offline\)/);
  });

  it("refuses a lockfile generated for another store (exit 2)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pthbs-cli-"));
    const gen = await pthbs(
      "generate",
      "-f",
      "environments/minimal.toml",
      "-o",
      join(dir, "out"),
      "--store",
      "/opt/other/store",
    );
    expect(gen.code).toBe(0);
    const r = await pthbs(
      "build",
      "--lock",
      join(dir, "out", "pthbs.lock.json"),
      "--root",
      join(dir, "root"),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("generated for the store /opt/other/store");
  });
});
