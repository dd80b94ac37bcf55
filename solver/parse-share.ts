/**
 * A cold load's parse shared between this thread and a worker thread (`parse-worker.ts`).
 *
 * Both take the next few files from one shared counter until none are left, so that they finish
 * together whatever each one's speed (the worker first loads its modules; the machine may be
 * busy; this thread also reads back what the worker sends). The worker's answers are read back
 * here between this thread's own files, as they arrive, rather than all at the end.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  MessageChannel,
  type MessagePort,
  receiveMessageOnPort,
  Worker,
} from "node:worker_threads";

/** A file to parse: its name in the directory, the path diagnostics show, and its text. */
export interface ShareFile {
  readonly name: string;
  readonly path: string;
  readonly text: string;
}

/** What the worker is sent: the files, the counter of the next file to take, where to answer. */
export interface ShareRequest {
  readonly files: readonly ShareFile[];
  /** An Int32Array's buffer: the index of the next file not yet taken. */
  readonly next: SharedArrayBuffer;
  readonly chunk: number;
  readonly port: MessagePort;
}

/** What the worker answers for one file (at least its name). */
export interface ShareAnswer {
  readonly name: string;
}

/** Files taken at a time: few enough to end together, enough to make the counter cheap. */
const CHUNK = 16;
const WORKER = new URL("./parse-worker.js", import.meta.url);

/**
 * A parse worker, started before the files are read so that it loads its modules meanwhile.
 * Undefined when it cannot be (no compiled worker script, as under the test runner).
 */
export class ParseWorker {
  private readonly finished: Promise<void>;

  private constructor(private readonly worker: Worker) {
    this.finished = new Promise((resolvePromise, reject) => {
      worker.once("message", () => resolvePromise());
      worker.once("error", reject);
      // After the message this changes nothing; before it, the worker failed.
      worker.once("exit", (code) => reject(new Error(`parse worker exited with ${code}`)));
    });
    // A worker that fails is noticed when awaited; its files are then parsed here.
    this.finished.catch(() => undefined);
  }

  /** Starts a worker, or undefined when there is no compiled worker script. */
  static start(): ParseWorker | undefined {
    if (!existsSync(fileURLToPath(WORKER))) return undefined;
    const worker = new Worker(WORKER);
    // Until it is given files it must not keep the process alive (a load that throws meanwhile).
    worker.unref();
    return new ParseWorker(worker);
  }

  /**
   * Parses `files` with the worker: `here` parses a file on this thread, `answered` takes what
   * the worker sent for one. Every file is passed to exactly one of them (to `here` when the
   * worker fails). The worker is stopped at the end.
   */
  async share<A extends ShareAnswer>(
    files: readonly ShareFile[],
    here: (file: ShareFile) => void,
    answered: (answer: A) => void,
  ): Promise<void> {
    const next = new Int32Array(new SharedArrayBuffer(4));
    const { port1, port2 } = new MessageChannel();
    const request: ShareRequest = {
      files,
      next: next.buffer as SharedArrayBuffer,
      chunk: CHUNK,
      port: port2,
    };
    const wanted = new Set(files.map((f) => f.name));
    const drain = () => {
      for (let m = receiveMessageOnPort(port1); m !== undefined; m = receiveMessageOnPort(port1))
        for (const a of m.message as readonly A[]) if (wanted.delete(a.name)) answered(a);
    };
    try {
      this.worker.ref();
      this.worker.postMessage(request, [port2]);
      for (let i = Atomics.add(next, 0, CHUNK); i < files.length; i = Atomics.add(next, 0, CHUNK)) {
        for (const f of files.slice(i, i + CHUNK)) {
          wanted.delete(f.name);
          here(f);
        }
        drain();
      }
      // The worker still holds files: wait for it to end (or fail), then take its last answers.
      if (wanted.size > 0) {
        await this.finished.catch(() => undefined);
        drain();
      }
    } finally {
      port1.close();
      void this.worker.terminate();
    }
    // What the worker took and did not answer (it failed).
    for (const f of files) if (wanted.has(f.name)) here(f);
  }

  /** Stops a worker that turned out not to be needed. */
  stop(): void {
    void this.worker.terminate();
  }
}
