/**
 * The real upstream build: musl 1.2.3, then busybox 1.35.0 linked statically against it through
 * musl-gcc, from the upstream tarballs (hashes in facts/upstream-releases.md). Runs when
 * $PTHBS_UPSTREAM_MIRROR is a directory holding musl-1.2.3.tar.gz and busybox-1.35.0.tar.bz2
 * (README, "Building musl and busybox"); skipped, saying so, otherwise.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { BuildScript } from "../executor/build.js";
import { checkOne } from "../executor/check.js";
import { buildAll } from "../executor/schedule.js";
import { Store } from "../executor/store.js";
import { formatScriptHeader, parseScriptHeader } from "../generator/header.js";
import { storeId } from "../generator/store.js";
import { EXAMPLES, TEST_RUN } from "./executor-examples.js";

const MIRROR = process.env.PTHBS_UPSTREAM_MIRROR ?? "";
const TARBALLS = {
  musl: {
    url: "https://musl.libc.org/releases/musl-1.2.3.tar.gz",
    sha256: "7d5b0b6062521e4627e099e4c9dc8248d32a30285e959b7eecaa780cf8cfd4a4",
    filename: "musl-1.2.3.tar.gz",
  },
  busybox: {
    url: "https://busybox.net/downloads/busybox-1.35.0.tar.bz2",
    sha256: "faeeb244c35a348a334f4a59e44626ee870fb07b6884d68c10ae8bc19f83a694",
    filename: "busybox-1.35.0.tar.bz2",
  },
} as const;
const present =
  MIRROR !== "" && Object.values(TARBALLS).every((t) => existsSync(join(MIRROR, t.filename)));
if (!present)
  console.log(
    "skipping the musl + busybox upstream build: set PTHBS_UPSTREAM_MIRROR to a directory holding musl-1.2.3.tar.gz and busybox-1.35.0.tar.bz2",
  );

async function script(
  name: "musl" | "busybox",
  version: string,
  deps: readonly BuildScript[],
  storeDir: string,
) {
  const header = formatScriptHeader({
    format: 1,
    name,
    version,
    recipe: name,
    options: new Map(),
    source: { kind: "url", ...TARBALLS[name] },
    resources: [],
    depends: deps.map((d) => ({
      name: d.header.name,
      types: ["build", "link"],
      path: `${storeDir}/${d.id}`,
      virtuals: [],
    })),
  });
  const vars = deps.map((d) => `${d.header.name}=${storeDir}/${d.id}\n`).join("");
  const text = `#!/bin/sh\n${header}\nset -eu\n${vars}${await readFile(join(EXAMPLES, "upstream", `${name}.sh`), "utf8")}`;
  return { id: storeId(name, text), text, header: parseScriptHeader(text) };
}

describe.skipIf(!present)("upstream musl 1.2.3 + busybox 1.35.0", () => {
  it("builds both offline from the mirror, and the static busybox runs", async () => {
    const store = new Store(join(await mkdtemp(join(tmpdir(), "pthbs-upstream-")), "root"));
    const musl = await script("musl", "1.2.3", [], store.storeDir);
    const busybox = await script("busybox", "1.35.0", [musl], store.storeDir);
    const times: string[] = [];
    const r = await buildAll(store, [musl, busybox], {
      ...TEST_RUN,
      jobs: 2,
      mirrors: [MIRROR],
      onEvent: (e) => {
        if (e.kind === "done")
          times.push(`${e.id.slice(0, e.id.indexOf("."))} ${(e.ms / 1000).toFixed(1)} s`);
      },
    });
    console.log(`upstream build times: ${times.join(", ")}`);
    expect(r.failed.map((f) => f.error.message)).toEqual([]);
    const bb = join(store.path(busybox.id), "bin", "busybox");
    expect(execFileSync(bb, ["echo", "hello from busybox"], { encoding: "utf8" })).toBe(
      "hello from busybox\n",
    );
    expect(execFileSync("file", [bb], { encoding: "utf8" })).toMatch(
      /statically linked|static-pie/,
    );
    // Rebuilt aside and compared file by file: the path is reproducible.
    const started = Date.now();
    const check = await checkOne(store, busybox, { ...TEST_RUN, jobs: 2, mirrors: [MIRROR] });
    console.log(`upstream --check of busybox: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(check.differing).toEqual([]);
  }, 900_000);
});
