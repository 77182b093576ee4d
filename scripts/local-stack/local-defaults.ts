/** Where `npm start` serves the ingest endpoint, and the write key it accepts; the README's curl uses both. */
export const LOCAL_INGEST_PORT = Number(process.env.PORT ?? 4000);
export const LOCAL_API_KEY = process.env.LOCAL_API_KEY ?? 'local-write-key';
/** Where `npm start` serves the inbox API (in-app messages), beside the ingest endpoint. */
export const LOCAL_INBOX_PORT = Number(process.env.INBOX_PORT ?? LOCAL_INGEST_PORT + 1);
/** The local stand-in of `InboxSigningSecret`: `npm run inbox -- token <user>` signs with it. */
export const LOCAL_INBOX_SIGNING_SECRET = process.env.LOCAL_INBOX_SIGNING_SECRET ?? 'local-inbox-signing-secret';
/** Where the running local stack writes its endpoints and resource names for the CLIs (profile, replay). */
export const LOCAL_STATE_FILE = '.local-stack/state.json';

/** Where the local stack copies finished rollouts' reports (linked from the console). */
export const LOCAL_REPORTS_DIR = '.local-stack/reports';
