/**
 * npm run dsr -- export <userId> | erase <userId> | status <requestId> [--wait] [--json] [--url <ApiUrl>]
 *
 * Data-subject requests through the admin API: the running local stack's by default, or a deployed
 * one with --url (or ADMIN_API_URL; stack output ApiUrl) and AWS credentials. See docs/compliance.md.
 */
import { runDsr } from './dsr/dsr-cli';

runDsr(process.argv.slice(2))
  .then(({ lines, exitCode }) => {
    for (const line of lines) console.log(line);
    process.exit(exitCode);
  })
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
