/** min / median / max of a set of measurements. */
export interface Spread {
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function spread(values: readonly number[]): Spread {
  return { min: Math.min(...values), median: median(values), max: Math.max(...values) };
}

/** How `ours` compares with `other`: above 1 means ours takes longer. */
export interface Ratio {
  /** Median of ours[i] / other[i], the runs of one round paired (interleaved runs only). */
  readonly medianOfRatios?: number;
  readonly ratioOfMedians: number;
}

/**
 * Ratios of run times. Interleaved runs (`paired`) are compared round by round too: a
 * machine that slows down for a while slows both runs of a round, so the median of the
 * pairwise ratios is the steadier figure on a shared machine.
 */
export function ratio(ours: readonly number[], other: readonly number[], paired: boolean): Ratio {
  const ratioOfMedians = median(ours) / median(other);
  if (!paired) return { ratioOfMedians };
  if (ours.length !== other.length) {
    throw new Error(`paired runs differ in number: ${ours.length} and ${other.length}`);
  }
  return { medianOfRatios: median(ours.map((o, i) => o / other[i]!)), ratioOfMedians };
}
