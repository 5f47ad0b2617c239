import { describe, expect, it } from 'vitest';
import { synthArgs } from './synth';

describe('synthArgs', () => {
  it('synthesizes ours as CI does, started like bin/app.ts, with the counters on', () => {
    expect(synthArgs('ours', 300, '/tmp/b/cdk.out')).toEqual([
      'cdk',
      'synth',
      '--quiet',
      '--app',
      'node --import tsx bench/app.ts',
      '--output',
      '/tmp/b/cdk.out',
      '--context',
      '@aws-cdk/core.slowSynthThreshold=0',
      '--context',
      'bench:jobs=300',
    ]);
  });

  it('runs the peer from its own entry point, with cdk-nag only for peer+nag', () => {
    const peer = synthArgs('peer', 30, 'o');
    const nag = synthArgs('peer+nag', 30, 'o');
    expect(peer[4]).toBe('node --import tsx bench/peer/app.ts');
    expect(peer).not.toContain('bench:nag=true');
    expect(nag).toEqual([...peer, '--context', 'bench:nag=true']);
  });
});
