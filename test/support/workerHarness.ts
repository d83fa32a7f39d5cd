/**
 * Helpers for the Pub/Sub worker tests: bundled fixture files, a pino destination that keeps
 * the JSON log lines and lets a test wait for one, and a `spar-bridge serve` child process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
const messagesDir = path.join(repoRoot, 'fixtures', 'messages');

/** Every bundled fixture file, in name order (the order their outcomes assume). */
export async function bundledMessageFiles(): Promise<string[]> {
  const names = await readdir(messagesDir);
  return names
    .filter((name) => name.endsWith('.ndjson'))
    .sort()
    .map((name) => path.join(messagesDir, name));
}

/** One parsed pino line. */
export type LogLine = Record<string, unknown> & { msg?: string };

/** Collects JSON log lines; usable as a pino destination and as a line sink for a child. */
export class LogLines {
  readonly lines: LogLine[] = [];
  readonly #events = new EventEmitter();

  /** pino destination interface: receives one or more newline-terminated JSON lines. */
  write(chunk: string): void {
    for (const text of chunk.split('\n')) this.add(text);
  }

  add(text: string): void {
    if (text.trim() === '') return;
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      line = { msg: text, unparsed: true };
    }
    this.lines.push(line);
    this.#events.emit('line', line);
  }

  /** Messages of all lines, for assertion output. */
  messages(): string[] {
    return this.lines.map((line) => String(line.msg));
  }

  count(predicate: (line: LogLine) => boolean): number {
    return this.lines.filter(predicate).length;
  }

  /** Resolves with the first line, past or future, that matches; rejects after `timeoutMs`. */
  waitFor(predicate: (line: LogLine) => boolean, timeoutMs = 20_000): Promise<LogLine> {
    const seen = this.lines.find(predicate);
    if (seen !== undefined) return Promise.resolve(seen);

    return new Promise((resolve, reject) => {
      const onLine = (line: LogLine): void => {
        if (!predicate(line)) return;
        clearTimeout(timer);
        this.#events.off('line', onLine);
        resolve(line);
      };
      const timer = setTimeout(() => {
        this.#events.off('line', onLine);
        reject(
          new Error(
            `Timed out after ${timeoutMs} ms waiting for a log line; last lines: ${this.messages().slice(-10).join(' | ')}`,
          ),
        );
      }, timeoutMs);
      this.#events.on('line', onLine);
    });
  }
}

/** A `spar-bridge serve` child process. */
export interface WorkerProcess {
  child: ChildProcess;
  logs: LogLines;
  /** stderr text, for failure messages. */
  stderr: () => string;
  /** Resolves with the exit code (null when a signal ended it) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Port of the HTTP app, from the "spar-bridge serving" line. */
  port: () => Promise<number>;
}

/**
 * Starts `src/cli/main.ts serve` with Node from node_modules and the tsx loader, so the
 * test runs the current sources without a build. It is one process, so a signal sent to
 * `child.pid` reaches the worker itself.
 */
export function startWorkerProcess(env: Record<string, string>): WorkerProcess {
  const node = path.join(repoRoot, 'node_modules', '.bin', 'node');
  const child = spawn(node, ['--import', 'tsx', path.join(repoRoot, 'src/cli/main.ts'), 'serve'], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      METADATA_SERVER_DETECTION: 'none',
      LOG_LEVEL: 'info',
      PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  const logs = new LogLines();
  createInterface({ input: child.stdout }).on('line', (text) => {
    logs.add(text);
  });
  let stderrText = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    stderrText += text;
  });

  const exited = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));

  return {
    child,
    logs,
    stderr: () => stderrText,
    exited,
    port: async () => {
      const line = await logs.waitFor((entry) => entry.msg === 'spar-bridge serving');
      return Number(line.port);
    },
  };
}
