import type { MutantResult } from '@stryker-mutator/api/core';

export interface Score {
  /** Mutants that count: every one but those that did not compile or were ignored. */
  readonly mutants: number;
  readonly killed: number;
  readonly survived: number;
  readonly noCoverage: number;
  /** Stryker's mutation score: detected (killed or timed out) over detected and undetected. */
  readonly percent: number;
}

/** The mutation score of one run, as Stryker's report computes it. */
export function mutationScore(results: readonly Pick<MutantResult, 'status'>[]): Score {
  const count = (...statuses: MutantResult['status'][]) =>
    results.filter((r) => statuses.includes(r.status)).length;
  const detected = count('Killed', 'Timeout');
  const survived = count('Survived');
  const noCoverage = count('NoCoverage');
  const valid = detected + survived + noCoverage;
  return {
    mutants: valid,
    killed: detected,
    survived,
    noCoverage,
    percent: valid === 0 ? 100 : (detected / valid) * 100,
  };
}
