import { describe, expect, it } from 'vitest';
import { JobFailure } from '../errors';
import { testContext } from '../testing/fakes';
import { ftpImport } from './ftp-import';

describe('ftp-import', () => {
  it('refuses: the partner moved to the API, and nothing is fetched', async () => {
    // testContext's fetch and TLS probe reject if called.
    const run = ftpImport.run(testContext().ctx);
    await expect(run).rejects.toThrow(JobFailure);
    await expect(run).rejects.toThrow('ftp-import is retired: the partner moved to the inventory API');
  });
});
