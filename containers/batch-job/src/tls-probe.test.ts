import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { probeTls } from './tls-probe';

const servers: net.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A TCP server that accepts connections and never speaks TLS: the handshake hangs. */
async function silentServer(): Promise<{ port: number; sockets: net.Socket[] }> {
  const sockets: net.Socket[] = [];
  const server = net.createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => {});
    // Read (and drop) the ClientHello, so the client's close reaches us as 'end'/'close'.
    socket.resume();
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, sockets };
}

describe('probeTls (real sockets, local only)', () => {
  it('gives up on a hanging handshake as soon as the signal aborts, and closes the socket', async () => {
    const { port, sockets } = await silentServer();
    const controller = new AbortController();
    const probe = probeTls({ host: '127.0.0.1', port, servername: 'example.com' }, controller.signal);
    while (sockets.length === 0) await new Promise((r) => setTimeout(r, 5));
    const closed = new Promise((r) => sockets[0]!.once('close', r));
    controller.abort(new Error('stop'));
    await expect(probe).rejects.toThrow('stop');
    await closed;
  });

  it('rejects with the connection error', async () => {
    const { port } = await silentServer();
    await new Promise((r) => servers.pop()!.close(r));
    await expect(
      probeTls({ host: '127.0.0.1', port, servername: 'example.com' }, new AbortController().signal),
    ).rejects.toThrow(/ECONNREFUSED/);
  });
});
