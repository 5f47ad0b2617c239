/**
 * The prices the schedule report's monthly cost uses, per region, in USD. Data only: each
 * figure says where it was read and when, so a reviewer can check it and the next person
 * can update it. A figure that was not found is `undefined` with a note saying so; the
 * report then says what it used instead, never a number made up here.
 *
 * Free tiers are not subtracted: they are shared by everything in the account, so the
 * figures are what a job adds to the bill.
 */

export interface PriceSource {
  /** Where the figure was read. */
  readonly url: string;
  /** When it was read (YYYY-MM-DD). */
  readonly checked: string;
  /** How the figure was obtained when it is not read off the page as is. */
  readonly note?: string;
}

export interface Price extends PriceSource {
  /** USD per unit; undefined when no figure was found. */
  readonly usd: number | undefined;
}

export interface RegionPrices {
  /** Fargate on-demand, Linux/x86, per vCPU-hour. */
  readonly fargateVcpuHour: Price;
  /** Fargate on-demand, Linux/x86, per GB-hour of memory. */
  readonly fargateGbHour: Price;
  /** Fargate Spot, per vCPU-hour (Spot prices move with supply and demand). */
  readonly spotVcpuHour: Price;
  /** Fargate Spot, per GB-hour. */
  readonly spotGbHour: Price;
  /** Step Functions standard workflows, per state transition. */
  readonly stepFunctionsTransition: Price;
  /** Lambda, per request (invocation). */
  readonly lambdaRequest: Price;
}

const FARGATE_DERIVED =
  'aws.amazon.com/jp/fargate/pricing/ as stored gives Tokyo 0.0632 USD/vCPU-h and 0.0158 USD/GB-h beside us-east-1 0.0506 and 0.0127: figures from before the January 2019 Fargate price cut. Today us-east-1 is 0.04048 and 0.004445 (vantage.sh/blog/fargate-pricing, tomgregory.com, cloudchipr.com 2024), i.e. x0.8 and x0.35; the same factors give Tokyo 0.05056 and 0.00553. Derived, not read: check in the AWS Pricing Calculator before quoting it.';

const SPOT_NOT_FOUND =
  'not found: the Fargate pricing page renders Spot prices per region from a live feed that the stored copies do not contain, and Spot prices change. The report prices Spot runs at the on-demand rate and marks them as an upper bound (AWS: Spot is up to 70% less).';

/** Regions with prices. A region missing here gets no cost in the report, and says so. */
export const REGION_PRICES: Readonly<Record<string, RegionPrices>> = {
  'ap-northeast-1': {
    fargateVcpuHour: {
      usd: 0.05056,
      url: 'https://aws.amazon.com/fargate/pricing/',
      checked: '2026-11-24',
      note: FARGATE_DERIVED,
    },
    fargateGbHour: {
      usd: 0.00553,
      url: 'https://aws.amazon.com/fargate/pricing/',
      checked: '2026-11-24',
      note: FARGATE_DERIVED,
    },
    spotVcpuHour: {
      usd: undefined,
      url: 'https://aws.amazon.com/fargate/pricing/',
      checked: '2026-11-24',
      note: SPOT_NOT_FOUND,
    },
    spotGbHour: {
      usd: undefined,
      url: 'https://aws.amazon.com/fargate/pricing/',
      checked: '2026-11-24',
      note: SPOT_NOT_FOUND,
    },
    stepFunctionsTransition: {
      // "Asia Pacific (Tokyo) | $0.0250" per 1,000 state transitions.
      usd: 0.025 / 1000,
      url: 'https://aws.amazon.com/step-functions/pricing/',
      checked: '2026-11-24',
    },
    lambdaRequest: {
      // $0.20 per 1M requests; the page states it without a region (the examples are
      // us-east-1), and no Tokyo-specific request price was found.
      usd: 0.2 / 1_000_000,
      url: 'https://docs.aws.amazon.com/whitepapers/latest/how-aws-pricing-works/lambda.html',
      checked: '2026-11-24',
      note: 'stated without a region; no Tokyo-specific figure found',
    },
  },
};
