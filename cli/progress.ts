/**
 * What `pthbs build` shows while it works: on a terminal, one status line (done/total, elapsed,
 * what is building) redrawn in place, with finished builds printed above it; elsewhere, one plain
 * line per event; with `--json`, nothing (the result is printed at the end).
 */
import type { BuildEvent } from "../index.js";
import type { Io } from "./io.js";

/** Reports build events to stderr. */
export class Progress {
  private total = 0;
  private done = 0;
  private readonly running = new Set<string>();
  private readonly start = Date.now();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly io: Io,
    private readonly mode: "tty" | "lines" | "quiet",
    /** `name version` of each id. */
    private readonly names: ReadonlyMap<string, string>,
  ) {
    if (mode === "tty") {
      this.timer = setInterval(() => this.draw(), 1000);
      this.timer.unref();
    }
  }

  /** Takes one event of the run. */
  readonly onEvent = (e: BuildEvent): void => {
    if (this.mode === "quiet") return;
    if (e.kind === "plan") {
      this.total = e.toBuild;
      return;
    }
    const what = this.names.get(e.id) ?? e.id;
    let line: string | undefined;
    if (e.kind === "substitute-failed") {
      line = `pthbs: warning: not substituting ${what}, building it: ${e.error.message}`;
    } else if (e.kind === "start") {
      this.running.add(what);
      if (this.mode === "lines") line = `building ${what} (${e.id})`;
    } else {
      this.running.delete(what);
      this.done++;
      if (e.kind === "done")
        line =
          e.outcome === "valid"
            ? undefined
            : `${e.outcome === "built" ? "built " : "pulled"}   ${what} in ${(e.ms / 1000).toFixed(1)} s`;
      else if (e.kind === "failed") line = `failed   ${what}: ${e.error.message}`;
      else line = `skipped  ${what}: depends on ${e.because}`;
    }
    if (this.mode === "tty") this.io.stderr("\r\u001b[K");
    if (line !== undefined) this.io.stderr(`${line}\n`);
    this.draw();
  };

  /** Clears the status line and stops redrawing. */
  finish(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.mode === "tty") this.io.stderr("\r\u001b[K");
  }

  private draw(): void {
    if (this.mode !== "tty" || this.timer === undefined) return;
    const s = Math.floor((Date.now() - this.start) / 1000);
    const elapsed = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
    const building = [...this.running].join(", ");
    this.io.stderr(
      `\r\u001b[K[${this.done}/${this.total}] ${elapsed}${building ? ` building ${building}` : ""}`,
    );
  }
}
