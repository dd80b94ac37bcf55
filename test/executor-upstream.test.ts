/**
 * The shipped recipes, proven on real sources: `environments/busybox-static.toml` (busybox +static
 * on musl, with the host's gcc, make and Linux UAPI headers as externals) solved, generated from
 * `constraints/` and `recipes/`, and built offline in the sandbox from the upstream tarballs of
 * musl 1.2.3 and busybox 1.35.0 (hashes in facts/upstream-releases.md). Runs when
 * $PTHBS_UPSTREAM_MIRROR is a directory holding musl-1.2.3.tar.gz and busybox-1.35.0.tar.bz2
 * (`.ci/upstream-mirror DIR` fills one; README, "Building musl and busybox"); skipped, saying so,
 * otherwise.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Store } from "../executor/store.js";
import type { StoreId } from "../generator/store.js";
import { SANDBOX } from "./executor-examples.js";
import { pthbs } from "./helpers.js";

const MIRROR = process.env.PTHBS_UPSTREAM_MIRROR ?? "";
const TARBALLS = ["musl-1.2.3.tar.gz", "busybox-1.35.0.tar.bz2"];
const present = MIRROR !== "" && TARBALLS.every((t) => existsSync(join(MIRROR, t)));
if (!present)
  console.log(
    `skipping the musl + busybox upstream build: set PTHBS_UPSTREAM_MIRROR to a directory holding ${TARBALLS.join(" and ")} (.ci/upstream-mirror DIR)`,
  );

const ROOT = new URL("..", import.meta.url).pathname;
const SET = [
  "-C",
  join(ROOT, "constraints"),
  "-f",
  join(ROOT, "environments", "busybox-static.toml"),
];

describe.skipIf(!present || SANDBOX !== "bwrap")(
  "busybox +static on musl from the shipped recipes",
  () => {
    it("solves, generates and builds musl and busybox offline; the environment's busybox is static, runs and rebuilds identically", async () => {
      const root = join(await mkdtemp(join(tmpdir(), "pthbs-upstream-")), "root");
      const store = join(root, "store");

      const generated = await pthbs(
        "generate",
        ...SET,
        "-o",
        join(root, "..", "scripts"),
        "--store",
        store,
        "--json",
      );
      expect(generated.code, generated.stderr).toBe(0);
      const ids = (JSON.parse(generated.stdout).scripts as { id: string }[]).map((s) => s.id);
      expect(ids.map((id) => id.slice(0, id.indexOf(".")))).toEqual(["musl", "busybox"]);

      const started = Date.now();
      const built = await pthbs("build", ...SET, "--mirror", MIRROR, "--root", root, "-j", "2");
      expect(built.code, `${built.stdout}${built.stderr}`).toBe(0);
      const times = built.stderr
        .split("\n")
        .filter((l) => l.startsWith("built "))
        .map((l) => l.replace(/ +/g, " "));
      console.log(
        `upstream build (solve -> generate -> build): ${times.join("; ")}; ${((Date.now() - started) / 1000).toFixed(1)} s in all`,
      );
      expect(built.stdout).toMatch(/^2 built, 0 already valid/);
      // The paths built are the ones generate named.
      for (const id of ids) expect(await new Store(root).isValid(id as StoreId)).toBe(true);

      const linked = await pthbs("env", ...SET, "--root", root, "--json");
      expect(linked.code, linked.stderr).toBe(0);
      const bb = join(JSON.parse(linked.stdout).path as string, "bin", "busybox");
      const path = { env: { PATH: "/nonexistent" }, encoding: "utf8" } as const;
      expect(execFileSync(bb, ["echo", "hello from busybox"], path)).toBe("hello from busybox\n");
      expect(execFileSync(bb, ["sh", "-c", 'set -- a b c; echo "$# $((6 * 7))"'], path)).toBe(
        "3 42\n",
      );
      expect(execFileSync("file", ["-L", bb], { encoding: "utf8" })).toMatch(
        /statically linked|static-pie/,
      );

      const t1 = Date.now();
      const check = await pthbs(
        "build",
        ...SET,
        "--mirror",
        MIRROR,
        "--root",
        root,
        "-j",
        "2",
        "--check=busybox",
        "--json",
      );
      console.log(`upstream --check=busybox: ${((Date.now() - t1) / 1000).toFixed(1)} s`);
      expect(check.code, check.stderr).toBe(0);
      const report = JSON.parse(check.stdout);
      expect(report.built).toEqual([]);
      expect(report.check).toEqual([{ id: ids[1], differing: [] }]);
      expect(report.reproducible).toBe(true);
    }, 900_000);
  },
);
