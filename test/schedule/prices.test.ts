import { describe, expect, it } from 'vitest';
import { REGION_PRICES, type Price } from '../../lib/schedule/prices';

const entries = Object.entries(REGION_PRICES).flatMap(([region, prices]) =>
  Object.entries(prices).map(([name, price]) => [`${region} ${name}`, price] as const),
);

describe('the prices the cost report uses', () => {
  it.each(entries)('%s names where and when it was read', (_: string, price: Price) => {
    expect(price.url).toMatch(/^https:\/\/(aws\.amazon\.com|docs\.aws\.amazon\.com)\//);
    expect(price.checked).toMatch(/^20\d\d-\d\d-\d\d$/);
    expect(Number.isNaN(Date.parse(price.checked))).toBe(false);
    if (price.usd === undefined) expect(price.note).toMatch(/^not found: /);
    else expect(price.usd).toBeGreaterThan(0);
    if (price.note !== undefined) expect(price.note.length).toBeGreaterThan(40);
  });

  it('holds the Tokyo figures as stated (per transition, per request), Fargate marked as derived', () => {
    const tokyo = REGION_PRICES['ap-northeast-1']!;
    expect(tokyo.stepFunctionsTransition.usd).toBeCloseTo(0.000025, 12);
    expect(tokyo.lambdaRequest.usd).toBeCloseTo(0.0000002, 12);
    expect([tokyo.fargateVcpuHour.usd, tokyo.fargateGbHour.usd]).toEqual([0.05056, 0.00553]);
    expect(tokyo.fargateVcpuHour.note).toMatch(/Derived, not read/);
    expect([tokyo.spotVcpuHour.usd, tokyo.spotGbHour.usd]).toEqual([undefined, undefined]);
    expect(tokyo.lambdaRequest.note).toBe('stated without a region; no Tokyo-specific figure found');
  });
});
