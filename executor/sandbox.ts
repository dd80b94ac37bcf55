/**
 * How a build script is isolated from the network and the host. bubblewrap is preferred: network,
 * pid, ipc and uts namespaces, the host read-only, only the build's scratch directory and `$out`
 * writable, and the build dies with its builder (so a killed `pthbs` leaves no build running).
 * `unshare` (util-linux) is the fallback: a network namespace only. With neither, builds run only
 * when `--no-sandbox` is given.
 */
import { spawnSync } from "node:child_process";
import { SandboxError } from "./errors.js";

/** The isolation a build runs under. */
export type SandboxKind = "bwrap" | "unshare" | "none";

/** Finds the best sandbox that works on this host (tries each, since namespaces may be disabled). */
export function detectSandbox(): SandboxKind {
  const ok = (cmd: string, args: string[]) =>
    spawnSync(cmd, args, { stdio: "ignore", timeout: 5000 }).status === 0;
  if (
    ok("bwrap", ["--unshare-net", "--unshare-pid", "--ro-bind", "/", "/", "--dev", "/dev", "true"])
  )
    return "bwrap";
  if (ok("unshare", ["--map-root-user", "--net", "true"])) return "unshare";
  return "none";
}

/**
 * The sandbox to use: the detected one, or `none` when allowed. Throws `SandboxError` when no
 * sandbox works and `allowNone` is false.
 */
export function chooseSandbox(
  allowNone: boolean,
  detected: SandboxKind = detectSandbox(),
): SandboxKind {
  if (allowNone) return detected === "none" ? "none" : detected;
  if (detected === "none")
    throw new SandboxError(
      "no sandbox available: neither bwrap (Debian package bubblewrap) nor unshare works here; install bubblewrap, or build without isolation with --no-sandbox",
    );
  return detected;
}

/** What a sandboxed build may write. */
export interface SandboxMounts {
  /** The build's scratch directory (build dir, sources, script), writable. */
  readonly scratch: string;
  /** The store path the build installs into (`$out`), writable. */
  readonly out: string;
  /** The host directory mounted at `out` (a scratch output for `--check`); `out` itself when absent. */
  readonly outHost?: string;
  /** The working directory of the script. */
  readonly cwd: string;
  /** The store directory, visible read-only (it may be under /tmp, which the sandbox replaces). */
  readonly store: string;
}

/** The command line that runs `argv` under `kind`. */
export function sandboxCommand(
  kind: SandboxKind,
  m: SandboxMounts,
  argv: readonly string[],
): string[] {
  switch (kind) {
    case "bwrap":
      return [
        "bwrap",
        "--unshare-net",
        "--unshare-pid",
        "--unshare-ipc",
        "--unshare-uts",
        "--die-with-parent",
        "--new-session",
        "--ro-bind",
        "/",
        "/",
        "--dev",
        "/dev",
        "--proc",
        "/proc",
        "--tmpfs",
        "/tmp",
        "--ro-bind",
        m.store,
        m.store,
        "--bind",
        m.scratch,
        m.scratch,
        "--bind",
        m.outHost ?? m.out,
        m.out,
        "--chdir",
        m.cwd,
        "--",
        ...argv,
      ];
    case "unshare":
      if (m.outHost !== undefined && m.outHost !== m.out)
        throw new SandboxError("only bwrap can mount a scratch output at $out (for --check)");
      return ["unshare", "--map-root-user", "--net", "--", ...argv];
    case "none":
      if (m.outHost !== undefined && m.outHost !== m.out)
        throw new SandboxError("only bwrap can mount a scratch output at $out (for --check)");
      return [...argv];
  }
}
