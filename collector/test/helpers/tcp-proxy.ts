/**
 * A TCP proxy in front of a real server, to make it unreachable on demand (connections
 * refused/reset) without touching the server itself.
 */
import net from 'node:net';

export interface TcpProxy {
  url: string;
  /** Drops open connections and resets new ones until `unblock()`. */
  block(): void;
  unblock(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: URL): Promise<TcpProxy> {
  let blocked = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (blocked) {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(Number(target.port || 80), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    block: () => {
      blocked = true;
      for (const socket of sockets) socket.destroy();
    },
    unblock: () => {
      blocked = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
