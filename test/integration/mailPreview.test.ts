import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailKinds } from '../../src/decision/types.js';
import { sampleEmailAction } from '../../src/mail/sampleEmailActions.js';
import { orderLabel } from '../../src/mail/templates/orderFacts.js';
import { writeMailPreviews } from '../../src/mail/writeMailPreviews.js';

const chromiumPath = '/usr/bin/chromium';
const outputDir = path.resolve('test-results/mail-preview');

describe('mail preview in Chromium', () => {
  let browser: Browser | undefined;

  beforeAll(async () => {
    if (!existsSync(chromiumPath)) {
      throw new Error(
        `Chromium is missing at ${chromiumPath}; install it with: apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium`,
      );
    }
    await mkdir(outputDir, { recursive: true });
    await writeMailPreviews({ dir: outputDir, now: new Date('2026-12-01T10:00:00Z') });
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-gpu',
        '--no-first-run',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it.each(emailKinds)('renders %s', async (kind) => {
    const page = await browser!.newPage({ viewport: { width: 700, height: 900 } });
    try {
      // Previews are self-contained; any request would mean a template loads a remote resource.
      const requests: string[] = [];
      page.on('request', (request) => {
        if (!request.url().startsWith('file:')) requests.push(request.url());
      });

      await page.goto(pathToFileURL(path.join(outputDir, `${kind}.html`)).href);

      const heading = page.locator('body table td').first();
      await expect.poll(() => heading.isVisible()).toBe(true);
      const action = sampleEmailAction(kind);
      if (action.details.orderName !== null) {
        await expect
          .poll(() =>
            page.getByText(action.details.orderName!, { exact: false }).first().isVisible(),
          )
          .toBe(true);
        expect(await page.title()).toContain(orderLabel(action.details));
      }
      const text = await readFile(path.join(outputDir, `${kind}.txt`), 'utf8');
      expect(text).toContain(`Email kind: ${kind}.`);
      expect(requests).toEqual([]);

      await page.screenshot({ path: path.join(outputDir, `${kind}.png`), fullPage: true });
    } finally {
      await page.close();
    }
  });
});
