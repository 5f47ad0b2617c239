import type { SnapshotSerializer } from 'vitest';

/**
 * Replaces content hashes (asset hashes, image tags and digests) with a placeholder so a
 * snapshot changes when a template changes, not when a Lambda's source or an npm patch does.
 */
const HASH = /(?<![0-9a-f])(?:sha256:)?[0-9a-f]{64}(?![0-9a-f])/g;
const MARK = '[asset-hash]';

const serializer: SnapshotSerializer = {
  test: (value: unknown) => typeof value === 'string' && HASH.test(value) && !value.includes(MARK),
  serialize: (value: string, config, indentation, depth, refs, printer) =>
    printer(value.replace(HASH, MARK), config, indentation, depth, refs),
};

export default serializer;
