import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`, as .ci/run does), or CHROMIUM_PATH. */
export const chromiumPath = (): string | undefined => [process.env.CHROMIUM_PATH, '/usr/bin/chromium'].find((path): path is string => !!path && existsSync(path));

/**
 * `it` for tests that drive a browser. Without Chromium they are skipped with a note, except in CI, where
 * .ci/run installs it and its absence is a failure.
 */
export const itWithBrowser: jest.It = (() => {
  if (chromiumPath()) return it;
  if (process.env.CI) return ((name: string) => it(name, () => { throw new Error('no Chromium at /usr/bin/chromium: .ci/run installs Debian\'s chromium package'); })) as unknown as jest.It;
  console.warn('Chromium not found (apt-get install chromium, or set CHROMIUM_PATH): browser tests skipped');
  return it.skip;
})();

/**
 * Headless Chromium through playwright-core. The background-networking flags keep it from calling
 * Google's services, which a closed network refuses by the dozen.
 */
export const launchChromium = (): Promise<Browser> =>
  chromium.launch({
    executablePath: chromiumPath()!,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json' };

/** Serves a folder on 127.0.0.1 (a free port): pages load over http, from an origin of their own. */
export const serveFolder = async (folder: string): Promise<{ url: string; stop: () => Promise<void> }> => {
  const server: Server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://local').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(folder, path);
    if (!file.startsWith(folder) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, stop: () => new Promise((resolve) => server.close(() => resolve())) };
};
