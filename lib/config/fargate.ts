import { z } from 'zod';

/**
 * Fargate's valid task sizes: cpu units → allowed memory (MiB).
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size
 */
const range = (from: number, to: number, step: number) =>
  Array.from({ length: (to - from) / step + 1 }, (_, i) => from + i * step);

export const FARGATE_SIZES: Readonly<Record<number, readonly number[]>> = {
  256: [512, 1024, 2048],
  512: range(1024, 4096, 1024),
  1024: range(2048, 8192, 1024),
  2048: range(4096, 16384, 1024),
  4096: range(8192, 30720, 1024),
  8192: range(16384, 61440, 4096),
  16384: range(32768, 122880, 8192),
};

/** Explains why `cpu`/`memory` is not a Fargate size, or returns undefined when it is. */
export function fargateSizeProblem(cpu: number, memory: number): string | undefined {
  const allowed = FARGATE_SIZES[cpu];
  if (!allowed) {
    return `cpu ${cpu} is not a Fargate size: use one of ${Object.keys(FARGATE_SIZES).join(', ')} (1024 = 1 vCPU)`;
  }
  if (!allowed.includes(memory)) {
    const lo = allowed[0]!;
    const hi = allowed[allowed.length - 1]!;
    // Every cpu size allows several memory sizes, evenly spaced.
    const step = allowed[1]! - lo;
    return `memory ${memory} MiB does not fit cpu ${cpu} on Fargate: use ${lo}-${hi} MiB in steps of ${step}`;
  }
  return undefined;
}

/** Adds a `memory` issue to `ctx` when the pair is not a Fargate size. */
export function checkFargateSize(value: { cpu: number; memory: number }, ctx: z.RefinementCtx): void {
  const problem = fargateSizeProblem(value.cpu, value.memory);
  if (problem) {
    ctx.addIssue({ code: 'custom', path: [FARGATE_SIZES[value.cpu] ? 'memory' : 'cpu'], message: problem });
  }
}

export const cpuSchema = z.int({
  error: 'must be Fargate cpu units as a whole number, e.g. 256 (0.25 vCPU) or 1024 (1 vCPU)',
});
export const memorySchema = z.int({ error: 'must be memory in MiB as a whole number, e.g. 512 or 2048' });
