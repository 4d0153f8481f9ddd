import { describe, expect, it } from 'vitest';
import { encodingForLabel } from '../../../src/decode/encoding-for-label.js';

describe('encodingForLabel', () => {
  it.each([
    ['utf8', 'UTF-8'],
    ['ISO-8859-1', 'windows-1252'],
    ['  US-ASCII\t', 'windows-1252'],
    ['gb2312', 'GBK'],
    ['x-sjis', 'Shift_JIS'],
    ['ks_c_5601-1987', 'EUC-KR'],
    ['iso-8859-9', 'windows-1254'],
    ['utf-16', 'UTF-16LE'],
  ])('%j → %s', (label, name) => {
    expect(encodingForLabel(label)?.name).toBe(name);
  });

  it.each(['base64', 'binary', 'utf-7', 'nonsense', ''])('%j is unknown', (label) => {
    expect(encodingForLabel(label)).toBeUndefined();
  });

  it('marks labels without a byte order', () => {
    expect(encodingForLabel('utf-16')?.byteOrderUnspecified).toBe(true);
    expect(encodingForLabel('utf-16le')?.byteOrderUnspecified).toBeUndefined();
  });
});
