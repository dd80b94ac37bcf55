/**
 * What every command needs: where to write, the global options, and the exit codes.
 */
import { type Diagnostic, formatLocation } from "../index.js";

/** Exit codes, documented in the README. */
export const EXIT = {
  /** Success. */
  ok: 0,
  /** A problem in the user's input (constraint files, specs, names): fix the input. */
  failure: 1,
  /** The command line itself is wrong (unknown command or option, missing argument). */
  usage: 2,
  /** `build --check`: a rebuild differs from the valid path (the build itself worked). */
  notReproducible: 3,
  /** A bug in pthbs. */
  internal: 70,
} as const;

/** Output streams, so that commands can run in-process in tests. */
export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Whether to colour human output (a terminal, and NO_COLOR unset). */
  readonly color: boolean;
  /** Whether stderr is a terminal, where progress may be redrawn in place. */
  readonly tty?: boolean;
}

/** Options every command accepts. */
export interface GlobalOptions {
  readonly constraints: string;
  readonly json: boolean;
  /** false with --no-cache. */
  readonly cache?: boolean;
  /** The load cache's directory, from the environment (set by program.ts, not an option). */
  readonly cacheDir?: string;
}

/** Prints data as stable, indented JSON followed by a newline. */
export function printJson(io: Io, data: unknown): void {
  io.stdout(`${JSON.stringify(data, null, 2)}\n`);
}

const paint = (io: Io, code: string, text: string) =>
  io.color ? `\u001b[${code}m${text}\u001b[0m` : text;

/** Compiler-style: `file:line:col: error: message`, then the hint indented. */
export function formatDiagnostic(io: Io, d: Diagnostic): string {
  const label = d.severity === "error" ? paint(io, "1;31", "error") : paint(io, "1;33", "warning");
  const hint = d.hint === undefined ? "" : `\n  ${paint(io, "36", "hint:")} ${d.hint}`;
  return `${formatLocation(d)}: ${label}: ${d.message} [${d.code}]${hint}`;
}

/** Makes bold text when colouring. */
export function bold(io: Io, text: string): string {
  return paint(io, "1", text);
}

/** Makes dim text when colouring. */
export function dim(io: Io, text: string): string {
  return paint(io, "2", text);
}

/** The command line is wrong in a way commander cannot see (exit 2). */
export class UsageError extends Error {}
