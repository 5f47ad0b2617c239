import { describe, expect, it } from 'vitest';
import { mutationScore } from './score';

const results = (counts: Record<string, number>) =>
  Object.entries(counts).flatMap(([status, n]) => Array.from({ length: n }, () => ({ status }) as never));

describe('mutation score', () => {
  it('is detected (killed or timed out) over detected, survived and uncovered', () => {
    const score = mutationScore(results({ Killed: 6, Timeout: 1, Survived: 2, NoCoverage: 1 }));
    expect(score).toEqual({ mutants: 10, killed: 7, survived: 2, noCoverage: 1, percent: 70 });
  });

  it('leaves out mutants that did not compile, failed to run or were ignored', () => {
    const score = mutationScore(
      results({ Killed: 3, Survived: 1, CompileError: 5, RuntimeError: 2, Ignored: 4 }),
    );
    expect(score.mutants).toBe(4);
    expect(score.percent).toBe(75);
  });

  it('is 100 % when nothing could be mutated', () => {
    expect(mutationScore([]).percent).toBe(100);
  });
});
