import { createServer, type Server } from 'node:net';

/** The loopback address every emulator listens on: nothing local is reachable from other machines. */
export const LOOPBACK = '127.0.0.1';

/**
 * Asks the kernel for a free TCP port on the loopback interface. The port is released before it is
 * returned, so a child process that binds it later can (rarely) lose a race: callers that spawn
 * processes retry on "address in use".
 */
export const findFreePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('the kernel returned no port'))));
    });
  });

/** Starts `server` on a free loopback port and resolves with the port. */
export const listenOnLoopback = async (server: Server): Promise<number> => {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => resolve());
  });
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
};
