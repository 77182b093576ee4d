/** Where `npm start` serves the ingest endpoint, and the write key it accepts; the README's curl uses both. */
export const LOCAL_INGEST_PORT = Number(process.env.PORT ?? 4000);
export const LOCAL_API_KEY = process.env.LOCAL_API_KEY ?? 'local-write-key';
/** Where the running local stack writes its endpoints and resource names for the CLIs (profile, replay). */
export const LOCAL_STATE_FILE = '.local-stack/state.json';

/** Where the local stack copies finished rollouts' reports (linked from the console). */
export const LOCAL_REPORTS_DIR = '.local-stack/reports';
