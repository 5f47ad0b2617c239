import { describe, expect, it } from 'vitest';
import { formatTable } from './output';

describe('formatTable', () => {
  it('pads columns to their widest cell and leaves the last one unpadded', () => {
    expect(
      formatTable(
        ['job', 'status'],
        [
          ['nightly-report', 'Succeeded'],
          ['sync', 'Failed'],
        ],
      ),
    ).toEqual(['job             status', 'nightly-report  Succeeded', 'sync            Failed']);
  });

  it('aligns the columns asked for right, the last one too', () => {
    expect(
      formatTable(
        ['app', 'jobs', 'median s'],
        [
          ['ours', '30', '9.87'],
          ['peer+nag', '1000', '12.30'],
        ],
        { alignRight: [1, 2] },
      ),
    ).toEqual(['app       jobs  median s', 'ours        30      9.87', 'peer+nag  1000     12.30']);
  });
});
