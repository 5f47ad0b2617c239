import { FIXTURE_CONFIG } from '../../test/fixtures/config';
import type { BaseConfig } from './base';

/** --base over the fixture config's files, which operators' pull requests never change. */
export const FIXTURE_BASE: BaseConfig = {
  file: 'test/fixtures/config/schedules.ts',
  accessFile: 'test/fixtures/config/access.ts',
  workersFile: 'test/fixtures/config/workers.ts',
  config: FIXTURE_CONFIG,
};
