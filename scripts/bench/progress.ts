/** Writes a progress line to stderr, so stdout stays the table or the JSON report. */
export function progress(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}
