import type { Server } from 'node:http';

/**
 * Closes an HTTP server without hanging on keep-alive or stuck connections: close() stops accepting
 * and drops idle sockets; anything still open after the grace period is destroyed. Never rejects.
 */
export const closeHttpServer = (server: Server, graceMs = 1_000): Promise<void> =>
  new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
