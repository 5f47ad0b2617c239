import { describe, expect, it } from 'vitest';
import { scheduleDescription } from '../../lib/constructs/scheduled-job';
import { scheduledJob } from '../support/fixtures';

describe('a schedule’s description in the console', () => {
  it('says what the job does and who owns it', () => {
    expect(scheduleDescription(scheduledJob({ description: 'Builds the report', owner: 'sre' }))).toBe(
      'Builds the report (owner: sre)',
    );
  });

  it('starts with why and until when for a disabled job, so a DISABLED schedule explains itself', () => {
    const job = scheduledJob({
      description: 'Imports the FTP drop',
      owner: 'commerce',
      enabled: false,
      disabledReason: 'partner moved to the API',
      disabledUntil: '2027-01-31',
    });
    expect(scheduleDescription(job)).toBe(
      'DISABLED until 2027-01-31: partner moved to the API | Imports the FTP drop (owner: commerce)',
    );
    expect(scheduleDescription({ ...job, disabledReason: undefined, disabledUntil: undefined })).toBe(
      'DISABLED: no reason given | Imports the FTP drop (owner: commerce)',
    );
  });

  it('fits the 512 characters Scheduler keeps', () => {
    const long = scheduledJob({
      description: 'x'.repeat(600),
      enabled: false,
      disabledReason: 'y'.repeat(300),
    });
    expect(scheduleDescription(long)).toHaveLength(512);
    expect(scheduleDescription(scheduledJob({ description: 'x'.repeat(600) }))).toHaveLength(512);
  });
});
