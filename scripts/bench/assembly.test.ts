import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAssembly } from './assembly';

// A cloud assembly as `cdk synth` writes it, cut down to what readAssembly reads.
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-assembly-'));
  const write = (file: string, content: string | object) =>
    fs.writeFileSync(path.join(dir, file), typeof content === 'string' ? content : JSON.stringify(content));
  write('manifest.json', {
    artifacts: {
      Runner: { type: 'aws:cloudformation:stack', properties: { templateFile: 'Runner.template.json' } },
      Jobs0: { type: 'aws:cloudformation:stack', properties: { templateFile: 'Jobs0.template.json' } },
      Tree: { type: 'cdk:tree', properties: { file: 'tree.json' } },
    },
  });
  write('Runner.template.json', {
    Resources: {
      LeaseFn: {
        Type: 'AWS::Lambda::Function',
        Metadata: { 'aws:cdk:path': 'Runner/Lease/Function/Resource', 'aws:asset:path': 'asset.abc' },
      },
      Imported: { Type: 'AWS::Lambda::Function', Metadata: { 'aws:cdk:path': 'Runner/Inline/Resource' } },
    },
    Padding: 'x'.repeat(500),
  });
  write('Jobs0.template.json', {
    Resources: Object.fromEntries(
      Array.from({ length: 3 }, (_, i) => [
        `Job${i}`,
        { Type: i === 2 ? 'AWS::IAM::Role' : 'AWS::ECS::TaskDefinition' },
      ]),
    ),
  });
  fs.mkdirSync(path.join(dir, 'asset.abc'));
  write('asset.abc/index.js', 'x'.repeat(1234));
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('readAssembly', () => {
  it('counts stacks and resources and finds the largest template each way', () => {
    const sizes = readAssembly(dir);
    expect(sizes.stacks).toBe(2);
    expect(sizes.resources).toBe(5);
    expect(sizes.roles).toBe(1);
    expect(sizes.largestByResources).toMatchObject({ stack: 'Jobs0', resources: 3 });
    expect(sizes.largestByBytes.stack).toBe('Runner');
    expect(sizes.largestByBytes.bytes).toBe(fs.statSync(path.join(dir, 'Runner.template.json')).size);
  });

  it("sizes each bundled Lambda's index.js by its construct path; inline code has no bundle", () => {
    expect(readAssembly(dir).bundles).toEqual({ 'Runner/Lease/Function': 1234 });
  });

  it('says so when the assembly has no stacks', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-assembly-'));
    fs.writeFileSync(path.join(empty, 'manifest.json'), '{"artifacts":{}}');
    try {
      expect(() => readAssembly(empty)).toThrow(`no stacks in the cloud assembly ${empty}`);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
