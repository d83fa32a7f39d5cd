import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { emailKinds, type EmailKind } from '../decision/types.js';
import { InvalidInputError } from '../errors.js';
import { sampleEmailAction } from './sampleEmailActions.js';
import { renderEmail } from './templates/renderEmail.js';

export interface MailPreviewOptions {
  /** Folder for the preview files; created when missing. */
  dir: string;
  /** Only this kind; every kind when omitted. */
  kind?: string;
  /** Time printed in the footers; defaults to the current time. */
  now?: Date;
}

/**
 * Renders every email kind (or one) with invented sample data to `<kind>.html` and `<kind>.txt`
 * under `dir`. Returns the paths written. Throws `InvalidInputError` listing the kinds when
 * `kind` is not one of them.
 */
export async function writeMailPreviews(options: MailPreviewOptions): Promise<string[]> {
  const kinds = selectKinds(options.kind);
  const now = options.now ?? new Date();

  await mkdir(options.dir, { recursive: true });

  const written: string[] = [];
  for (const kind of kinds) {
    const rendered = renderEmail(sampleEmailAction(kind), { now });
    const htmlFile = path.join(options.dir, `${kind}.html`);
    const textFile = path.join(options.dir, `${kind}.txt`);
    await writeFile(htmlFile, rendered.html);
    await writeFile(textFile, `Subject: ${rendered.subject}\n\n${rendered.text}`);
    written.push(htmlFile, textFile);
  }
  return written;
}

function selectKinds(kind: string | undefined): readonly EmailKind[] {
  if (kind === undefined) return emailKinds;
  if (!isEmailKind(kind)) {
    throw new InvalidInputError(
      `Unknown email kind "${kind}". Expected one of: ${emailKinds.join(', ')}.`,
    );
  }
  return [kind];
}

function isEmailKind(value: string): value is EmailKind {
  return (emailKinds as readonly string[]).includes(value);
}
