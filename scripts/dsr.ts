/**
 * npm run dsr -- export <userId> | erase <userId> | status <requestId> [--wait] [--json] [--url <ApiUrl>]
 *
 * Data-subject requests through the admin API: the running local stack's by default, or a deployed
 * one with --url (or ADMIN_API_URL; stack output ApiUrl) and AWS credentials. See docs/compliance.md.
 */
import { runDsr } from './dsr/dsr-cli';
import { runCli } from './run-cli';

runCli(() => runDsr(process.argv.slice(2)));
