import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity } from '@smithy/types';
import { executeApiSigner } from '../local-stack/api-gateway/iam-auth';
import { readLocalState } from '../local-stack/local-state';

/** Where the admin routes are and how to sign for them. */
export interface AdminTarget {
  /** The API's base URL, stage included (`https://<id>.execute-api.<region>.amazonaws.com/prod/`). */
  readonly baseUrl: string;
  readonly region: string;
  readonly credentials: () => Promise<AwsCredentialIdentity>;
  readonly local: boolean;
}

/** An answer of an admin route: its status and parsed JSON body. */
export interface AdminAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/**
 * The running local stack's gateway (credentials from its state file), or a deployed API: `--url` or
 * ADMIN_API_URL (stack output `ApiUrl`), signed with the default credential chain (profiles, SSO,
 * environment, instance roles), the region from the URL.
 */
export const adminTarget = (url: string | undefined): AdminTarget => {
  if (url) {
    const region = /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com/.exec(url)?.[1] ?? process.env.AWS_REGION ?? 'us-east-1';
    return { baseUrl: url.endsWith('/') ? url : `${url}/`, region, credentials: fromNodeProviderChain(), local: false };
  }
  const local = readLocalState();
  if (!local) throw new Error('no local stack is running (npm start) and no --url or ADMIN_API_URL was given');
  return { baseUrl: `${local.ingestUrl.replace(/\/$/, '')}/`, region: local.region, credentials: async () => local.credentials, local: true };
};

/** Calls an admin route with a SigV4-signed request, as the AWS CLI or an SDK would. */
export const callAdmin = async (target: AdminTarget, method: 'GET' | 'POST', path: string): Promise<AdminAnswer> => {
  const url = new URL(path.replace(/^\//, ''), target.baseUrl);
  const signed = await executeApiSigner(await target.credentials(), target.region).sign({
    method,
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port && { port: Number(url.port) }),
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: { host: url.host, accept: 'application/json' },
  });
  const response = await fetch(url, { method, headers: signed.headers as Record<string, string> });
  const text = await response.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { error: { code: 'NOT_JSON', message: text.slice(0, 200) } };
  }
  return { status: response.status, body };
};
