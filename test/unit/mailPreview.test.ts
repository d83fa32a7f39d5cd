import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emailKinds } from '../../src/decision/types.js';
import { InvalidInputError } from '../../src/errors.js';
import { writeMailPreviews } from '../../src/mail/writeMailPreviews.js';

describe('writeMailPreviews', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'spar-bridge-preview-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes every kind', async () => {
    const written = await writeMailPreviews({ dir });

    expect(written).toHaveLength(emailKinds.length * 2);
    expect((await readdir(dir)).sort()).toEqual(
      emailKinds.flatMap((kind) => [`${kind}.html`, `${kind}.txt`]).sort(),
    );
  });

  it('writes one kind', async () => {
    const written = await writeMailPreviews({ dir, kind: 'spar_posted' });

    expect(written).toEqual([
      path.join(dir, 'spar_posted.html'),
      path.join(dir, 'spar_posted.txt'),
    ]);
  });

  it('unknown kind lists the kinds', async () => {
    const attempt = writeMailPreviews({ dir, kind: 'order_shipped' });

    await expect(attempt).rejects.toBeInstanceOf(InvalidInputError);
    await expect(attempt).rejects.toThrow(
      /Unknown email kind "order_shipped"\. Expected one of: order_received, .*liveness_down\./,
    );
  });
});
