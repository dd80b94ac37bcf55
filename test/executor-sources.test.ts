import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { checkEntries, parseListing, unpackArchive } from "../executor/archive.js";
import { FetchError, HashMismatchError, UnsafeArchiveError } from "../executor/errors.js";
import { fetchSource } from "../executor/sources.js";
import { Store } from "../executor/store.js";
import { fileSha256 } from "../executor/tree-hash.js";

async function setup() {
  const dir = await mkdtemp(join(tmpdir(), "pthbs-src-"));
  const store = new Store(join(dir, "root"));
  await store.init();
  const file = join(dir, "hello-1.0.tar");
  await writeFile(file, "some bytes");
  return { dir, store, file, sha256: await fileSha256(file) };
}

/** A tar archive written by python's tarfile, which writes any entry we ask for. */
function evilTar(path: string, entries: string): void {
  execFileSync("python3", [
    "-c",
    `
import tarfile, io, sys
t = tarfile.open(sys.argv[1], "w")
for spec in sys.argv[2].split(";"):
    kind, name, *rest = spec.split("|")
    i = tarfile.TarInfo(name)
    if kind == "l": i.type = tarfile.SYMTYPE; i.linkname = rest[0]
    if kind == "h": i.type = tarfile.LNKTYPE; i.linkname = rest[0]
    if kind == "c": i.type = tarfile.CHRTYPE
    data = b"x" if kind == "f" else b""
    i.size = len(data)
    t.addfile(i, io.BytesIO(data))
t.close()
`,
    path,
    entries,
  ]);
}

describe("fetchSource", () => {
  it("takes a file: URL into the cache, verified", async () => {
    const { store, file, sha256 } = await setup();
    const src = {
      kind: "url" as const,
      url: pathToFileURL(file).href,
      sha256,
      filename: "hello-1.0.tar",
    };
    const cached = await fetchSource(store, src, { mirrors: [], network: false });
    expect(await readFile(cached, "utf8")).toBe("some bytes");
    expect(cached).toContain(join("sources", "sha256", sha256));
  });

  it("finds a file in a mirror by name or by hash", async () => {
    const { dir, store, sha256 } = await setup();
    const mirror = join(dir, "mirror");
    await mkdir(mirror);
    await writeFile(join(mirror, sha256), "some bytes");
    const src = {
      kind: "url" as const,
      url: "https://example.invalid/x.tar",
      sha256,
      filename: "x.tar",
    };
    await expect(fetchSource(store, src, { mirrors: [mirror], network: false })).resolves.toContain(
      sha256,
    );
  });

  it("passes over a mirror's file with another sha256, to the next mirror, and names it when none has it", async () => {
    const { dir, store, sha256 } = await setup();
    const [wrong, right] = [join(dir, "wrong"), join(dir, "right")];
    await mkdir(wrong);
    await mkdir(right);
    await writeFile(join(wrong, "x.tar"), "other bytes");
    await writeFile(join(right, "x.tar"), "some bytes");
    const src = {
      kind: "url" as const,
      url: "https://example.invalid/x.tar",
      sha256,
      filename: "x.tar",
    };
    const opts = { network: false };
    const got = await fetchSource(store, src, { ...opts, mirrors: [wrong, right] });
    expect(await readFile(got, "utf8")).toBe("some bytes");
    const other = { ...src, sha256: "0".repeat(64) };
    const err = await fetchSource(store, other, { ...opts, mirrors: [wrong] }).catch((e) => e);
    expect(err).toBeInstanceOf(FetchError);
    expect(err.message).toContain(join(wrong, "x.tar"));
    expect(err.message).toMatch(/sha256/);
  });

  it("refuses a tampered file naming both hashes", async () => {
    const { store, file, sha256 } = await setup();
    await writeFile(file, "tampered");
    const src = {
      kind: "url" as const,
      url: pathToFileURL(file).href,
      sha256,
      filename: "hello-1.0.tar",
    };
    const err = await fetchSource(store, src, { mirrors: [], network: false }).catch((e) => e);
    expect(err).toBeInstanceOf(HashMismatchError);
    expect(err.message).toContain(sha256);
    expect(err.message).toContain(await fileSha256(file));
    expect(err.message).toContain(file);
  });

  it("fails clearly offline", async () => {
    const { store, sha256 } = await setup();
    const src = {
      kind: "url" as const,
      url: "https://example.invalid/x.tar",
      sha256,
      filename: "x.tar",
    };
    const err = await fetchSource(store, src, { mirrors: [], network: false }).catch((e) => e);
    expect(err).toBeInstanceOf(FetchError);
    expect(err.message).toMatch(/no network/);
  });
});

describe("unpackArchive", () => {
  it("unpacks a tarball and returns its top directory", async () => {
    const { dir } = await setup();
    await mkdir(join(dir, "t", "p-1", "d"), { recursive: true });
    await writeFile(join(dir, "t", "p-1", "d", "f"), "hi");
    execFileSync("ln", ["-s", "d/f", join(dir, "t", "p-1", "l")]);
    execFileSync("tar", ["-czf", join(dir, "a.tar.gz"), "-C", join(dir, "t"), "p-1"]);
    await mkdir(join(dir, "out"));
    const top = await unpackArchive(join(dir, "a.tar.gz"), join(dir, "out"));
    expect(top).toBe(join(dir, "out", "p-1"));
    expect(await readFile(join(top, "l"), "utf8")).toBe("hi");
  });

  it.each([
    ["f|../x", /\.\. component/],
    ["f|/abs", /absolute path/],
    ["f|a/../../x", /\.\. component/],
    ["l|l|/etc", /absolute/],
    ["l|d/l|../../x", /outside the tree/],
    ["l|l|.;f|l/x", /through a symbolic link/],
    ["h|h|/etc/passwd", /hard link/],
    ["h|h|../x", /hard link/],
    ["c|dev", /special file/],
  ])("refuses %s", async (entries, reason) => {
    const { dir } = await setup();
    evilTar(join(dir, "evil.tar"), entries);
    await mkdir(join(dir, "out"));
    const err = await unpackArchive(join(dir, "evil.tar"), join(dir, "out")).catch((e) => e);
    expect(err).toBeInstanceOf(UnsafeArchiveError);
    expect(err.message).toMatch(reason);
  });

  it("reads C-quoted names with spaces, arrows and escapes", () => {
    const entries = parseListing(
      '-rw-r--r-- u/g 0 2026-01-01 00:00 "a -> b\\n\\303\\251"\nlrwxrwxrwx u/g 0 2026-01-01 00:00 "l" -> "x y"\n',
    );
    expect(entries).toEqual([
      { type: "-", name: "a -> b\né" },
      { type: "l", name: "l", target: "x y" },
    ]);
    expect(() => checkEntries("t", entries)).not.toThrow();
  });
});

describe("git sources", () => {
  it("clones a repository, checks the commit out as $src, and refuses an unknown commit", async () => {
    const { dir, store } = await setup();
    const repo = join(dir, "repo");
    await mkdir(repo);
    const git = (...args: string[]) =>
      execFileSync("git", ["-C", repo, "-c", "user.name=t", "-c", "user.email=t@t", ...args], {
        encoding: "utf8",
      }).trim();
    git("init", "-q");
    await writeFile(join(repo, "configure"), "#!/bin/sh\n");
    git("add", ".");
    git("commit", "-q", "-m", "one");
    const commit = git("rev-parse", "HEAD");
    const url = pathToFileURL(repo).href;
    const tar = await fetchSource(
      store,
      { kind: "git", url, commit },
      { mirrors: [], network: false },
    );
    await mkdir(join(dir, "out"));
    const src = await unpackArchive(tar, join(dir, "out"));
    expect(await readFile(join(src, "configure"), "utf8")).toBe("#!/bin/sh\n");
    const missing = "0".repeat(40);
    const err = await fetchSource(
      store,
      { kind: "git", url, commit: missing },
      { mirrors: [], network: false },
    ).catch((e) => e);
    expect(err).toBeInstanceOf(FetchError);
    expect(err.message).toContain(missing);
  });
});
