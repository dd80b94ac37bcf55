/**
 * Running shell code in tests: scripts run under /bin/sh (dash on
 * Debian) with stub commands that record their arguments and a `pwn` command that leaves a marker
 * file — so a test can tell that a hostile value reached a command intact and that no injected
 * command ran.
 */
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const STUB = `#!/bin/sh
# Records its name, its number of arguments and each argument, each followed by a NUL.
{ printf '%s\\0%s\\0' "\${0##*/}" "$#"; for a in "$@"; do printf '%s\\0' "$a"; done; } >> "$PTHBS_TEST_LOG"
case "\${1-}" in defconfig) : > .config ;; esac
exit 0
`;

/** What a script run under the stub harness did. */
export interface StubRun {
  readonly status: number | null;
  readonly stderr: string;
  /** Whether an injected `pwn` ran. */
  readonly pwned: boolean;
  /** Each stub call: the command name and its arguments. */
  readonly calls: readonly (readonly string[])[];
  /** The build directory the script ran in. */
  readonly build: string;
}

/**
 * Runs a build script under /bin/sh -eu the way the executor will (empty build directory, $out,
 * $src, $jobs, $resources), with `make`, `./configure`, `build.sh`, `./make` and `yes` as stubs
 * that record their arguments, and a `pwn` command that creates a marker file.
 */
export function runWithStubs(script: string, resources: readonly string[] = []): StubRun {
  const root = mkdtempSync(join(tmpdir(), "pthbs-run-"));
  const bin = join(root, "bin");
  const src = join(root, "src");
  const res = join(root, "resources");
  const build = join(root, "build");
  for (const d of [bin, src, res, build]) mkdirSync(d);
  const marker = join(root, "PWNED");
  const stub = (file: string) => {
    writeFileSync(file, STUB);
    chmodSync(file, 0o755);
  };
  for (const name of ["make", "yes"]) stub(join(bin, name));
  for (const name of ["configure", "make", "build.sh"]) stub(join(src, name));
  writeFileSync(join(bin, "pwn"), `#!/bin/sh\n: > '${marker}'\n`);
  chmodSync(join(bin, "pwn"), 0o755);
  for (const r of resources) writeFileSync(join(res, r), "");
  const file = join(root, "script.sh");
  writeFileSync(file, script);
  const log = join(root, "log");
  const r = spawnSync("/bin/sh", ["-eu", file], {
    cwd: build,
    encoding: "utf8",
    env: {
      PATH: `${bin}:/usr/bin:/bin`,
      out: join(root, "out"),
      src,
      jobs: "1",
      resources: res,
      HOME: "/nonexistent",
      LC_ALL: "C",
      TZ: "UTC",
      PTHBS_TEST_LOG: log,
    },
    timeout: 20_000,
  });
  const fields = existsSync(log) ? readFileSync(log, "utf8").split("\0") : [];
  const calls: string[][] = [];
  for (let i = 0; i + 1 < fields.length; ) {
    const count = Number(fields[i + 1]);
    calls.push([fields[i]!, ...fields.slice(i + 2, i + 2 + count)]);
    i += 2 + count;
  }
  return { status: r.status, stderr: r.stderr, pwned: existsSync(marker), calls, build };
}
