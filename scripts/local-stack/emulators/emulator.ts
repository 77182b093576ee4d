/** One running emulator. */
export interface RunningEmulator {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  readonly port: number;
  /** Stops it; never rejects, resolves within a few seconds even if the emulator hangs. */
  stop(): Promise<void>;
}

/** Region and account the emulators report, also used for ARNs built locally. */
export interface EmulatorIdentity {
  readonly region: string;
  readonly accountId: string;
}

/** The emulators' account: what fauxqs and kinesalite put in every ARN. */
export const LOCAL_ACCOUNT_ID = '000000000000';

/** Region used when none is given. */
export const DEFAULT_LOCAL_REGION = 'us-east-1';

/** Static credentials: the emulators accept any, but the SDK insists on signing. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
