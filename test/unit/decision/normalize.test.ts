import { describe, expect, it } from 'vitest';
import {
  formatCents,
  normalizeSku,
  normalizeZip,
  parsePriceCents,
} from '../../../src/decision/normalize.js';

describe('normalizeSku', () => {
  it.each([
    [' desk-72-asm ', 'DESK-72-ASM'],
    ['Chair-Ergo-ASM', 'CHAIR-ERGO-ASM'],
    ['\tBED-QUEEN-ASM\n', 'BED-QUEEN-ASM'],
  ])('matches %j as %s', (raw, expected) => {
    expect(normalizeSku(raw)).toBe(expected);
  });

  it.each([null, undefined, '', '   '])('treats %j as no SKU', (raw) => {
    expect(normalizeSku(raw)).toBeNull();
  });
});

describe('normalizeZip', () => {
  it.each<[string | number, string]>([
    ['02134', '02134'],
    [' 02134 ', '02134'],
    ['02134-1234', '02134'],
    ['02134 1234', '02134'],
    ['021341234', '02134'],
    [2134, '02134'],
    ['2134', '02134'],
    ['2134-1234', '02134'],
    [21341234, '02134'],
    [501, '00501'],
    [94103, '94103'],
    ['94103', '94103'],
  ])('reads %j as %s', (raw, expected) => {
    expect(normalizeZip(raw)).toBe(expected);
  });

  it.each<string | number | null | undefined>([
    null,
    undefined,
    '',
    '  ',
    '0213',
    '12',
    12,
    '123456',
    '0213412345',
    'M5V 2T6',
    'SW1A 1AA',
    '02134-12',
    'ZIP 02134',
    2134.5,
    -2134,
    Number.NaN,
  ])('rejects %j', (raw) => {
    expect(normalizeZip(raw)).toBeNull();
  });
});

describe('parsePriceCents', () => {
  it.each([
    ['149', 14_900],
    ['149.00', 14_900],
    ['149.5', 14_950],
    ['$1,299.00', 129_900],
    ['$229.00', 22_900],
    [' 49.99 ', 4_999],
    ['1299', 129_900],
    ['$ 12,345,678.90', 1_234_567_890],
    ['0', 0],
  ])('reads %j as %i cents', (raw, cents) => {
    expect(parsePriceCents(raw)).toBe(cents);
  });

  it.each(['', '  ', 'n/a', '-149.00', '149.001', '1,29.00', '149.', '$', 'USD 149', '12,34'])(
    'rejects %j instead of pricing it 0',
    (raw) => {
      expect(parsePriceCents(raw)).toBeNull();
    },
  );
});

describe('formatCents', () => {
  it.each([
    [14_900, '149.00'],
    [129_900, '1299.00'],
    [4_999, '49.99'],
    [5, '0.05'],
    [0, '0.00'],
  ])('formats %i as %s', (cents, text) => {
    expect(formatCents(cents)).toBe(text);
  });
});
