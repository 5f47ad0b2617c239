import { mockClient } from 'aws-sdk-client-mock';
import { afterAll } from 'vitest';

/**
 * `mockClient` from aws-sdk-client-mock, restored when the file's tests are done. Test files
 * share a worker's modules (vitest.config.mts: `isolate: false`), and a mock patches the
 * client class itself: left in place, it would answer the next file's real client.
 */
export const mockAws: typeof mockClient = (client) => {
  const mock = mockClient(client);
  afterAll(() => mock.restore());
  return mock;
};
