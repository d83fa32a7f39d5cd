import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildReply, ChildSettings, ParentCommand } from './workerChild.js';

/** Time allowed for a child to open its runtime or reply to a command before the bench gives up. */
const replyTimeoutMs = 60_000;

/** Time a child that replied `stopped` gets to exit by itself before it is killed. */
const exitTimeoutMs = 10_000;

/** A benchmark worker child process and its IPC channel. */
export class WorkerProcess {
  readonly #child: ChildProcess;
  readonly #logFd: number;
  #waiting: { type: ChildReply['type']; resolve: (reply: ChildReply) => void } | null = null;
  #exited: Promise<void>;
  #failure: Error | null = null;

  private constructor(child: ChildProcess, logFd: number) {
    this.#child = child;
    this.#logFd = logFd;
    child.on('message', (reply: ChildReply) => {
      const waiting = this.#waiting;
      if (waiting?.type === reply.type) {
        this.#waiting = null;
        waiting.resolve(reply);
      }
    });
    this.#exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        if (code !== 0) {
          this.#failure = new Error(
            `Benchmark worker exited with code ${code ?? 'null'} (signal ${signal ?? 'none'})`,
          );
        }
        resolve();
      });
    });
  }

  /**
   * Spawns `childScript`, the compiled worker child, with plain `node` and the flags in
   * `nodeArgs`, and resolves once its runtime is open, with the RSS it reported then.
   * Its stdout and stderr, the worker's JSON log, go to `worker-SUBSCRIPTION.log` in `logDir`.
   */
  static async spawn(
    childScript: string,
    nodeArgs: readonly string[],
    settings: ChildSettings,
    logDir: string,
  ): Promise<{ worker: WorkerProcess; readyRss: number }> {
    const logFd = openSync(join(logDir, `worker-${settings.BENCH_SUBSCRIPTION}.log`), 'a');
    const child = spawn(process.execPath, [...nodeArgs, childScript], {
      stdio: ['ignore', logFd, logFd, 'ipc'],
      env: { ...process.env, ...settings, METADATA_SERVER_DETECTION: 'none' },
    });
    const worker = new WorkerProcess(child, logFd);
    const ready = await worker.#next('ready');
    if (ready.type !== 'ready') throw new Error('unreachable');
    return { worker, readyRss: ready.rss };
  }

  /** Sends `command` and resolves with the child's reply of type `expected`. */
  async request<T extends ChildReply['type']>(
    command: ParentCommand,
    expected: T,
  ): Promise<Extract<ChildReply, { type: T }>> {
    const reply = this.#next(expected);
    this.#child.send(command);
    return (await reply) as Extract<ChildReply, { type: T }>;
  }

  /** Stops the worker gracefully and waits for it to exit; kills it if it does not reply. */
  async stop(): Promise<void> {
    try {
      await this.request({ type: 'stop' }, 'stopped');
      await Promise.race([this.#exited, delay(exitTimeoutMs)]);
    } finally {
      if (this.#child.exitCode === null && this.#child.signalCode === null) {
        this.#child.kill('SIGKILL');
        await this.#exited;
      }
      closeSync(this.#logFd);
    }
  }

  #next(type: ChildReply['type']): Promise<ChildReply> {
    return new Promise<ChildReply>((resolve, reject) => {
      if (this.#failure !== null) {
        reject(this.#failure);
        return;
      }
      const timer = setTimeout(() => {
        this.#waiting = null;
        reject(new Error(`Benchmark worker sent no "${type}" reply within ${replyTimeoutMs} ms`));
      }, replyTimeoutMs);
      void this.#exited.then(() => {
        clearTimeout(timer);
        if (this.#waiting?.type === type) {
          this.#waiting = null;
          reject(this.#failure ?? new Error(`Benchmark worker exited before its "${type}" reply`));
        }
      });
      this.#waiting = {
        type,
        resolve: (reply) => {
          clearTimeout(timer);
          resolve(reply);
        },
      };
    });
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
