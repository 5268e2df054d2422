import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppError } from '../errors/app-error.ts';

export interface RunningServer {
  url: string;
  port: number;
  /** Stops accepting, lets in-flight requests finish, then cuts what is left at the deadline. */
  close(deadlineMs: number): Promise<void>;
}

/**
 * Serves `handler` (an express app, or a plain request listener) on host:port. A port
 * that cannot be had is one clear error, naming what to set (`settings`) and, when it
 * is not the service's routes, what the port is `for`.
 */
export async function listen(
  handler: http.RequestListener,
  host: string,
  port: number,
  { settings = 'PORT or HOST', purpose }: { settings?: string; purpose?: string } = {},
): Promise<RunningServer> {
  const server = http.createServer(handler);
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const why =
        error.code === 'EADDRINUSE'
          ? 'is already in use'
          : error.code === 'EACCES'
            ? 'is not permitted'
            : error.message;
      reject(
        new AppError(
          'LISTEN_FAILED',
          `cannot listen on ${host}:${port}${purpose ? ` for ${purpose}` : ''}: it ${why} (set ${settings})`,
          { cause: error },
        ),
      );
    });
    server.listen(port, host, () => {
      server.removeAllListeners('error');
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return {
    url: `http://${shownHost}:${address.port}`,
    port: address.port,
    close: (deadlineMs) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => server.closeAllConnections(), deadlineMs);
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
