import { describe, expect, it } from 'vitest';
import { collectGarbage } from '../../../src/lib/collect-garbage.js';

describe('collectGarbage', () => {
  it('runs a full collection (a weakly held object is gone after it) and can be called again', async () => {
    let target: object | undefined = { big: new Array(1000).fill(1) };
    const ref = new WeakRef(target);
    target = undefined;
    // A WeakRef's target stays alive until the end of the current job.
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    expect(ref.deref()).toBeUndefined();
    expect(() => collectGarbage()).not.toThrow();
  });
});
