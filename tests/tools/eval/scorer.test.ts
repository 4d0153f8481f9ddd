import { describe, expect, it } from 'vitest';
import { flagValue, parseScorerReport, parseSetOptions } from '../../../tools/eval/scorer.js';

describe('parseScorerReport', () => {
  it('reads one row per part and skips other lines', () => {
    const report = [
      'BCubed',
      'allsides_neus      n= 8277  P=0.9256 R=0.6813 F1=0.7849',
      'uci_dev            n=3130  P=0.9211 R=0.8098 F1=0.8619',
      'macro F1 0.8080',
    ].join('\n');
    const rows = parseScorerReport(report);
    expect([...rows.keys()]).toEqual(['allsides_neus', 'uci_dev']);
    expect(rows.get('allsides_neus')).toEqual({ n: 8277, p: 0.9256, r: 0.6813, f1: 0.7849 });
    expect(rows.get('uci_dev')).toEqual({ n: 3130, p: 0.9211, r: 0.8098, f1: 0.8619 });
  });

  it('returns no rows for a report without any', () => {
    expect(parseScorerReport('missing predictions: 3').size).toBe(0);
  });
});

describe('parseSetOptions', () => {
  it.each([
    [[], {}],
    [['--set', 'threshold=0.6'], { threshold: 0.6 }],
    [['--set', 'threshold=0.6', '--no-floor', '--set', 'windowHours=48'], { threshold: 0.6, windowHours: 48 }],
    [['--shuffle', '3'], {}],
  ])('%j gives %j', (args, expected) => {
    expect(parseSetOptions(args)).toEqual(expected);
  });
});

describe('flagValue', () => {
  it('returns the value after the first occurrence, or undefined', () => {
    expect(flagValue(['--chunk', '50', '--chunk', '7'], '--chunk')).toBe('50');
    expect(flagValue(['--chunk'], '--chunk')).toBeUndefined();
    expect(flagValue([], '--chunk')).toBeUndefined();
  });
});
