import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalStack } from './local-stack';

/**
 * npm start's control endpoint on 127.0.0.1 for the command-line tools: `POST /rollouts` with
 * `{ campaignId, bakeSeconds? }` runs the Rollout state machine in this process (where the functions
 * and emulators are), in the background; the console narrates it. `POST /schedules/<logical id>` runs
 * what a schedule of the template starts (the daily review) now and answers its result. Not part of the
 * deployed API.
 */
export const startControlServer = async (stack: Pick<LocalStack, 'runRollout' | 'runSchedule'>) => {
  const server = createServer((request, response) => {
    const schedule = request.method === 'POST' ? /^\/schedules\/([A-Za-z0-9]+)$/.exec(request.url ?? '') : null;
    if (schedule) {
      stack
        .runSchedule(schedule[1]!)
        .then((result) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result ?? null)))
        .catch((error: Error) => response.writeHead(error.message.includes('has no schedule') ? 404 : 500).end(error.message));
      return;
    }
    if (request.method !== 'POST' || request.url !== '/rollouts') {
      response.writeHead(404).end('POST /rollouts or POST /schedules/<id> only');
      return;
    }
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      let input: { campaignId?: unknown; bakeSeconds?: unknown };
      try {
        input = JSON.parse(body) as typeof input;
      } catch {
        response.writeHead(400).end('the body must be JSON');
        return;
      }
      if (typeof input.campaignId !== 'string' || (input.bakeSeconds !== undefined && !(Number.isInteger(input.bakeSeconds) && (input.bakeSeconds as number) >= 0))) {
        response.writeHead(400).end('expected { "campaignId": string, "bakeSeconds"?: whole number ≥ 0 }');
        return;
      }
      void stack.runRollout(input.campaignId, input.bakeSeconds === undefined ? {} : { bakeSeconds: input.bakeSeconds as number });
      response.writeHead(202).end('started');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
