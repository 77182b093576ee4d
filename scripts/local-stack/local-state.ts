import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { LOCAL_STATE_FILE } from './local-defaults';

/**
 * What a running `npm start` tells the command-line tools (profile, replay): where the ingest endpoint
 * and the emulators listen, and the local names of the template's resources.
 */
export interface LocalState {
  ingestUrl: string;
  /** The inbox API (in-app messages). */
  inboxUrl?: string;
  apiKey: string;
  region: string;
  endpoints: { dynamodb: string; kinesis: string; sqs: string; sns: string; s3: string };
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Logical ID → local name, ARN and (queues) URL. */
  resources: Record<string, { name: string; arn: string; url?: string }>;
  /** npm start's control endpoint (POST /rollouts starts a rollout in that process). */
  controlUrl?: string;
  pid: number;
}

export const writeLocalState = (state: LocalState, file = LOCAL_STATE_FILE): void => {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`);
};

/** The state of a running local stack, or undefined when none is running. */
export const readLocalState = (file = LOCAL_STATE_FILE): LocalState | undefined => {
  if (!existsSync(file)) return undefined;
  const state = JSON.parse(readFileSync(file, 'utf8')) as LocalState;
  try {
    process.kill(state.pid, 0);
    return state;
  } catch {
    return undefined; // a stale file from a stack that did not stop cleanly
  }
};

export const removeLocalState = (file = LOCAL_STATE_FILE): void => rmSync(file, { force: true });
