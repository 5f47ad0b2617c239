import { describe, expect, it } from 'vitest';
import { median, ratio, spread } from './stats';

describe('median', () => {
  it('is the middle value of an odd count and the mean of the two middle ones of an even count', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('does not reorder its input', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });

  it('refuses no values rather than answering NaN', () => {
    expect(() => median([])).toThrow('median of no values');
  });
});

describe('spread', () => {
  it('gives min, median and max', () => {
    expect(spread([10, 30, 20, 50, 40])).toEqual({ min: 10, median: 30, max: 50 });
  });
});

describe('ratio', () => {
  it('pairs interleaved runs round by round', () => {
    // Round 2 ran while the machine was busy: both runs slow, the pair's ratio unchanged.
    expect(ratio([10, 20, 10], [5, 10, 4], true)).toEqual({ medianOfRatios: 2, ratioOfMedians: 10 / 5 });
    expect(ratio([12, 30, 11], [10, 10, 10], true)).toEqual({ medianOfRatios: 1.2, ratioOfMedians: 1.2 });
  });

  it('gives only the ratio of medians for runs that were not interleaved', () => {
    expect(ratio([30, 40, 50], [10, 20], false)).toEqual({ ratioOfMedians: 40 / 15 });
  });

  it('refuses pairs of different lengths', () => {
    expect(() => ratio([1, 2], [1], true)).toThrow('paired runs differ in number: 2 and 1');
  });
});
