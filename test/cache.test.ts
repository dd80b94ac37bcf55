/**
 * Binary caches in directories and over http: push and pull round trips between two "machines"
 * (one root path at two moments), and every way a record or archive can be refused, each leaving
 * nothing valid.
 */
import { execFileSync } from "node:child_process";
import { createReadStream } from "node:fs";
import {
  chmod,
  lstat,
  mkdir,
  readdir,
  readFile,
  readlink,
  stat,
  symlink,
  truncate,
  writeFile,
} from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { archiveName, DirectoryCache } from "../executor/cache/directory.js";
import type { HttpCache } from "../executor/cache/http.js";
import type { PublicKey } from "../executor/cache/keys.js";
import { substitute } from "../executor/cache/pull.js";
import { pushPaths } from "../executor/cache/push.js";
import {
  type CacheRecord,
  fingerprint,
  signRecord,
  trustedSigner,
} from "../executor/cache/record.js";
import type { Store } from "../executor/store.js";
import type { StoreId } from "../generator/store.js";
import { testKeys, twoMachines } from "./cache-fixtures.js";
import { pthbs } from "./helpers.js";
import { fakePath } from "./store-fixtures.js";

const KEYS = testKeys();

/** Adds a symbolic link into a read-only directory. */
async function addLink(link: string, target: string): Promise<void> {
  await chmod(dirname(link), 0o755);
  await symlink(target, link);
  await chmod(dirname(link), 0o555);
}

/** Machine A with a library and a program linking it (with links inside and into the library). */
async function machineA() {
  const m = await twoMachines();
  const lib = await fakePath(m.a, {
    name: "lib",
    files: { "lib/libx.so.1": "library", "include/x.h": "int x;" },
  });
  await addLink(join(m.a.path(lib.id), "lib", "libx.so"), "libx.so.1");
  const app = await fakePath(m.a, {
    name: "app",
    files: { "bin/app*": "#!/bin/sh\necho app\n", "share/doc/README": "readme" },
    depends: [{ id: lib.id, types: ["link"] }],
  });
  await addLink(join(m.a.path(app.id), "libx.so"), `${m.a.path(lib.id)}/lib/libx.so`);
  await addLink(join(m.a.path(app.id), "self"), `${m.a.path(app.id)}/bin/app`);
  // The records again: their trees now cover the links.
  for (const id of [lib.id, app.id]) {
    const r = (await m.a.record(id))!;
    await m.a.writeRecord({ ...r, tree: (await m.a.verify(r)).tree });
  }
  const cache = new DirectoryCache("cache", join(m.dir, "cache"));
  return { ...m, lib: lib.id, app: app.id, cache };
}

/** Machine A's app and lib pushed to the directory cache, then machine B. */
async function pushedToB() {
  const m = await machineA();
  await pushPaths(m.a, m.cache, [m.app], { key: KEYS.secret, compression: "gzip", closure: true });
  return { m, b: await m.machineB() };
}

/** The ids valid in a store. */
async function validIds(store: Store): Promise<string[]> {
  return (await store.valid()).map((r) => r.id);
}

/** Pulls `id` and expects a refusal matching `reason`, with nothing of it left in the store. */
async function refused(
  store: Store,
  cache: DirectoryCache | HttpCache,
  id: StoreId,
  reason: RegExp,
  trusted: readonly PublicKey[] = [KEYS.public],
) {
  await expect(substitute(store, id, { caches: [cache], trusted })).rejects.toThrow(reason);
  expect(await store.isValid(id)).toBe(false);
  await expect(stat(store.path(id))).rejects.toThrow(/ENOENT/);
  expect(await readdir(join(store.root, "tmp"))).toEqual([]);
  expect(await readdir(join(store.root, "locks"))).toEqual([]);
}

/** Rewrites a record in a directory cache, signed again with the test key. */
async function resign(cache: DirectoryCache, id: StoreId, change: (r: CacheRecord) => CacheRecord) {
  const file = join(cache.dir, `${id}.json`);
  const r = change(JSON.parse(await readFile(file, "utf8")) as CacheRecord);
  await writeFile(file, JSON.stringify(signRecord({ ...r, signatures: [] }, KEYS.secret)));
}

/** Replaces a path's archive by one packed from `tree` (holding `<id>/…`), with a signed record. */
async function replaceArchive(
  cache: DirectoryCache,
  id: StoreId,
  tarArgs: readonly string[],
): Promise<void> {
  const tar = execFileSync("tar", ["--format=gnu", "-cf", "-", ...tarArgs], { maxBuffer: 1 << 26 });
  const gz = gzipSync(tar);
  const sha256 = (await import("node:crypto")).createHash("sha256").update(gz).digest("hex");
  await resign(cache, id, (r) => ({
    ...r,
    archive: { compression: "gzip", sha256, size: gz.length },
  }));
  await writeFile(
    join(cache.dir, archiveName({ compression: "gzip", sha256, size: gz.length })),
    gz,
  );
}

describe("binary cache records and keys", () => {
  it("a signature holds for the fields it covers and the key that made it", () => {
    const other = testKeys("other-1");
    const r: CacheRecord = {
      format: "pthbs-cache-1",
      id: `x.${"a".repeat(64)}` as StoreId,
      name: "x",
      version: "1",
      store: "/s",
      archive: { compression: "gzip", sha256: "b".repeat(64), size: 3 },
      tree: "sha256:c",
      references: [],
      script: "",
      signatures: [],
    };
    const signed = signRecord(r, KEYS.secret);
    expect(trustedSigner(signed, [KEYS.public])).toBe("test-1");
    expect(trustedSigner(signed, [other.public])).toBeUndefined();
    expect(trustedSigner({ ...signed, tree: "sha256:d" }, [KEYS.public])).toBeUndefined();
    expect(
      trustedSigner({ ...signed, archive: { ...r.archive, size: 4 } }, [KEYS.public]),
    ).toBeUndefined();
    expect(fingerprint(r).toString()).toContain("/s/x.");
    expect(KEYS.publicText).toMatch(/^test-1:[A-Za-z0-9+/]{43}=$/);
  });
});

describe("push and pull through a directory", () => {
  it("moves a closure to another machine, references first, read-only and verified; again is a no-op", async () => {
    const m = await machineA();
    const pushed = await pushPaths(m.a, m.cache, [m.app], {
      key: KEYS.secret,
      compression: "gzip",
      closure: true,
    });
    expect(pushed.pushed).toEqual([m.lib, m.app]);
    const again = await pushPaths(m.a, m.cache, [m.app], {
      key: KEYS.secret,
      compression: "gzip",
      closure: true,
    });
    expect(again).toEqual({ pushed: [], present: [m.lib, m.app] });
    const b = await m.machineB();
    const pulled: string[] = [];
    const options = {
      caches: [m.cache],
      trusted: [KEYS.public],
      onPulled: (id: StoreId) => pulled.push(id),
    };
    expect(await substitute(b, m.app, options)).toBe("pulled");
    expect(pulled).toEqual([m.lib, m.app]);
    for (const r of await b.valid()) {
      expect((await b.verify(r)).ok).toBe(true);
      expect(r.from).toBe("cache");
    }
    expect(await readlink(join(b.path(m.app), "libx.so"))).toBe(`${b.path(m.lib)}/lib/libx.so`);
    expect(await readFile(join(b.path(m.app), "libx.so"), "utf8")).toBe("library");
    expect((await stat(join(b.path(m.app), "bin", "app"))).mode & 0o777).toBe(0o555);
    expect((await lstat(b.path(m.app))).mode & 0o222).toBe(0);
    expect(await readFile(b.scriptPath(m.app), "utf8")).toContain("#@pthbs name app");
    expect(await substitute(b, m.app, options)).toBe("valid");
    expect(await substitute(b, `none.${"0".repeat(64)}` as StoreId, options)).toBe("absent");
  });

  it("packs deterministically, with gzip or brotli", async () => {
    const m = await machineA();
    const other = new DirectoryCache("other", join(m.dir, "other"));
    for (const c of [m.cache, other])
      await pushPaths(m.a, c, [m.app], { key: KEYS.secret, compression: "gzip", closure: false });
    expect(await readdir(join(other.dir, "archive"))).toEqual(
      await readdir(join(m.cache.dir, "archive")),
    );
    const br = new DirectoryCache("br", join(m.dir, "br"));
    await pushPaths(m.a, br, [m.app], { key: KEYS.secret, compression: "brotli", closure: true });
    const b = await m.machineB();
    expect(await substitute(b, m.app, { caches: [br], trusted: [KEYS.public] })).toBe("pulled");
  });

  it("refuses a tampered or truncated archive, a bad or untrusted signature, a record of another id", async () => {
    const { m, b } = await pushedToB();
    const rec = async (id: StoreId) =>
      JSON.parse(await readFile(join(m.cache.dir, `${id}.json`), "utf8")) as CacheRecord;
    const archive = join(m.cache.dir, archiveName((await rec(m.lib)).archive));
    const good = await readFile(archive);
    const bad = Buffer.from(good);
    bad[bad.length - 20]! ^= 1;
    await writeFile(archive, bad);
    await refused(b, m.cache, m.lib, /archive's sha256 is .*\(tampered with/);
    await refused(b, m.cache, m.app, /archive's sha256/); // its reference is refused
    await truncate(archive, good.length - 100);
    await refused(b, m.cache, m.lib, /has \d+ bytes, the record says \d+ \(truncated/);
    await writeFile(archive, good);
    await refused(b, m.cache, m.lib, /signed by test-1; trusted: other-1/, [
      testKeys("other-1").public,
    ]);
    const record = await rec(m.lib);
    await writeFile(
      join(m.cache.dir, `${m.lib}.json`),
      JSON.stringify({ ...record, tree: `sha256:${"0".repeat(64)}` }),
    );
    await refused(b, m.cache, m.lib, /no valid signature by a trusted key/);
    await writeFile(
      join(m.cache.dir, `${m.lib}.json`),
      JSON.stringify({ ...record, signatures: [] }),
    );
    await refused(b, m.cache, m.lib, /not signed/);
    await writeFile(join(m.cache.dir, `${m.lib}.json`), JSON.stringify(await rec(m.app)));
    await refused(b, m.cache, m.lib, /the record is for app\./);
    await writeFile(join(m.cache.dir, `${m.lib}.json`), "{ not json");
    await refused(b, m.cache, m.lib, /not a pthbs-cache-1 record/);
    await writeFile(join(m.cache.dir, `${m.lib}.json`), JSON.stringify(record));
    expect(await substitute(b, m.app, { caches: [m.cache], trusted: [KEYS.public] })).toBe(
      "pulled",
    );
  });

  it("refuses archives with .. or absolute names, links out of the tree, a wrong tree, a missing reference", async () => {
    const { m, b } = await pushedToB();
    const x = join(m.dir, "x");
    const id = m.lib;
    await mkdir(join(x, id), { recursive: true });
    await writeFile(join(x, id, "f"), "evil");
    await replaceArchive(m.cache, id, ["-C", x, "--transform", `s,^${id}/f$,${id}/../f,`, id]);
    await refused(b, m.cache, id, /refusing entry .*\.\.\/f.*\.\. component/);
    await replaceArchive(m.cache, id, ["-P", join(x, id, "f")]);
    await refused(b, m.cache, id, /refusing entry "\/.*absolute path/);
    await symlink("/etc/passwd", join(x, id, "abs"));
    await replaceArchive(m.cache, id, ["-C", x, id]);
    await refused(b, m.cache, id, /symbolic link to an absolute path \/etc\/passwd/);
    await execFileSync("rm", [join(x, id, "abs")]);
    await symlink("../../../etc", join(x, id, "up"));
    await replaceArchive(m.cache, id, ["-C", x, id]);
    await refused(b, m.cache, id, /points outside the tree/);
    await execFileSync("rm", [join(x, id, "up")]);
    await replaceArchive(m.cache, id, ["-C", x, id]);
    await refused(b, m.cache, id, /the unpacked tree hashes to/);
    await mkdir(join(x, "other"));
    await replaceArchive(m.cache, id, ["-C", x, id, "other"]);
    await refused(b, m.cache, id, /something else than the one directory/);
    await execFileSync("rm", ["-r", join(m.cache.dir, `${m.lib}.json`)]);
    await refused(b, m.cache, m.app, /its reference lib\.\w+ is not valid and no cache has it/);
    expect(await validIds(b)).toEqual([]);
  });

  it("refuses a path built for another store directory", async () => {
    const m = await machineA();
    await pushPaths(m.a, m.cache, [m.lib], {
      key: KEYS.secret,
      compression: "gzip",
      closure: true,
    });
    const { a: elsewhere } = await twoMachines();
    await refused(elsewhere, m.cache, m.lib, /built for the store .*machine\/store, not/);
  });
});

describe("pull over http and the cache commands", () => {
  it("pulls from a static http server serving the directory; keygen, push, pull on the command line", async () => {
    const m = await machineA();
    const keys = join(m.dir, "keys");
    await mkdir(keys);
    const kg = await pthbs(
      "cache",
      "keygen",
      "team-1",
      join(keys, "sk"),
      join(keys, "pk"),
      "--json",
    );
    expect(kg.code).toBe(0);
    expect((await stat(join(keys, "sk"))).mode & 0o777).toBe(0o600);
    expect(
      (await pthbs("cache", "keygen", "team-1", join(keys, "sk"), join(keys, "pk2"))).code,
    ).toBe(1);
    const push = await pthbs(
      "cache",
      "push",
      m.cache.dir,
      m.a.path(m.app),
      "--root",
      m.root,
      "--key",
      join(keys, "sk"),
      "--json",
    );
    expect(push.code).toBe(0);
    expect(JSON.parse(push.stdout).pushed).toEqual([m.lib, m.app]);
    const server = createServer((req, res) => {
      const file = join(m.cache.dir, decodeURIComponent(req.url ?? "/").replace(/\.\./g, ""));
      stat(file).then(
        (st) => {
          res.writeHead(200, { "content-length": st.size });
          createReadStream(file).pipe(res);
        },
        () => res.writeHead(404).end(),
      );
    });
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const b = await m.machineB();
      const pk = JSON.parse(kg.stdout).publicKey as string;
      const noKey = await pthbs("cache", "pull", url, m.app, "--root", m.root);
      expect(noKey.code).toBe(2);
      const pull = await pthbs(
        "cache",
        "pull",
        url,
        m.app,
        "--root",
        m.root,
        "--trusted-key",
        pk,
        "--json",
      );
      expect(pull.stderr).toBe("");
      expect(JSON.parse(pull.stdout)).toMatchObject({ ok: true, pulled: [m.lib, m.app] });
      expect(await validIds(b)).toEqual([m.app, m.lib]);
      const missing = await pthbs(
        "cache",
        "pull",
        url,
        `none.${"0".repeat(64)}`,
        "--root",
        m.root,
        "--trusted-key",
        join(keys, "pk"),
      );
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain("not in");
      expect((await pthbs("cache", "push", url, m.app, "--root", m.root)).code).toBe(2);
    } finally {
      server.close();
    }
  });
});
