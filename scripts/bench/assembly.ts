import * as fs from 'node:fs';
import * as path from 'node:path';

export interface TemplateSize {
  readonly stack: string;
  readonly resources: number;
  readonly bytes: number;
}

/** What a synth produced, read from its cloud assembly (cdk.out). */
export interface AssemblySizes {
  readonly stacks: number;
  /** Resources of all stacks together. */
  readonly resources: number;
  /** IAM roles of all stacks together, to hold against the account's role quota. */
  readonly roles: number;
  readonly largestByResources: TemplateSize;
  readonly largestByBytes: TemplateSize;
  /** Bytes of each Lambda function's bundled index.js, by construct path. */
  readonly bundles: Readonly<Record<string, number>>;
}

interface Manifest {
  artifacts?: Record<string, { type: string; properties?: { templateFile?: string } }>;
}

interface Template {
  Resources?: Record<string, { Type: string; Metadata?: Record<string, unknown> }>;
}

/** Reads the stacks of the assembly in `dir` (stacks directly in it: the bench apps have no Stages). */
export function readAssembly(dir: string): AssemblySizes {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
  const templates = Object.entries(manifest.artifacts ?? {})
    .filter(([, a]) => a.type === 'aws:cloudformation:stack' && a.properties?.templateFile)
    .map(([stack, a]) => ({ stack, body: fs.readFileSync(path.join(dir, a.properties!.templateFile!)) }));
  if (templates.length === 0) throw new Error(`no stacks in the cloud assembly ${dir}`);

  const sizes: TemplateSize[] = [];
  const bundles: Record<string, number> = {};
  let roles = 0;
  for (const { stack, body } of templates) {
    const resources = (JSON.parse(body.toString('utf8')) as Template).Resources ?? {};
    sizes.push({ stack, resources: Object.keys(resources).length, bytes: body.length });
    roles += Object.values(resources).filter((r) => r.Type === 'AWS::IAM::Role').length;
    for (const [id, resource] of Object.entries(resources)) {
      const asset = resource.Metadata?.['aws:asset:path'];
      if (resource.Type !== 'AWS::Lambda::Function' || typeof asset !== 'string') continue;
      const entry = path.join(dir, asset, 'index.js');
      if (!fs.existsSync(entry)) continue;
      const cdkPath = resource.Metadata?.['aws:cdk:path'];
      const name = typeof cdkPath === 'string' ? cdkPath.replace(/\/Resource$/, '') : `${stack}/${id}`;
      bundles[name] = fs.statSync(entry).size;
    }
  }
  const largest = (by: (s: TemplateSize) => number) =>
    sizes.reduce((best, s) => (by(s) > by(best) ? s : best));
  return {
    stacks: sizes.length,
    resources: sizes.reduce((sum, s) => sum + s.resources, 0),
    roles,
    largestByResources: largest((s) => s.resources),
    largestByBytes: largest((s) => s.bytes),
    bundles,
  };
}
