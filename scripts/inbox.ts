/**
 * npm run inbox -- token <userId> [--secret <value>] | page <userId> | show <userId>
 *
 * The in-app inbox of a user (docs/in-app.md). `token` prints the Authorization value the app's backend
 * would give the app (`UserHash` = HMAC-SHA256 of the user id with the signing secret: the local stack's,
 * or `--secret` / INBOX_SIGNING_SECRET, e.g. read from the deployed `InboxSigningSecret`). `page` prints
 * the address of the sample page (events/samples/inbox.html) showing the user's inbox from the running
 * local stack; `show` prints the API's answer. Secrets and tokens are printed on purpose: this is a
 * developer's tool.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { userHashOf } from '../layers/core/inbox/user-token';
import { LOCAL_INBOX_SIGNING_SECRET } from './local-stack/local-defaults';
import { readLocalState } from './local-stack/local-state';
import { runCli } from './run-cli';

const USAGE = 'usage: npm run inbox -- token <userId> [--secret <value>] | page <userId> | show <userId>';
const SAMPLE_PAGE = join(__dirname, '../events/samples/inbox.html');

runCli(async () => {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { secret: { type: 'string' } } });
  const [command, userId] = positionals;
  if (!command || !userId) throw new Error(USAGE);
  const token = `UserHash ${userHashOf(userId, values.secret ?? process.env.INBOX_SIGNING_SECRET ?? LOCAL_INBOX_SIGNING_SECRET)}`;
  if (command === 'token') return { lines: [token], exitCode: 0 };
  const api = readLocalState()?.inboxUrl;
  if (!api) throw new Error(`no local stack is running: start it with npm start\n${USAGE}`);
  if (command === 'page') {
    const fragment = new URLSearchParams({ api, user: userId, token });
    return { lines: [`${pathToFileURL(SAMPLE_PAGE).href}#${fragment}`, '(open it in a browser: it shows what the app would get, and reports impressions and clicks)'], exitCode: 0 };
  }
  if (command === 'show') {
    const response = await fetch(`${api}/v1/users/${encodeURIComponent(userId)}/messages`, { headers: { Authorization: token } });
    return { lines: [JSON.stringify(await response.json(), null, 2)], exitCode: response.ok ? 0 : 1 };
  }
  throw new Error(USAGE);
});
