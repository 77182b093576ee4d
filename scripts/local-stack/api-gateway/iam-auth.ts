import { timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, HttpRequest } from '@smithy/types';

/** The service name SigV4 signs API Gateway requests for. */
export const EXECUTE_API = 'execute-api';

/** API Gateway's tolerance for a request's signing time. */
const MAX_SKEW_MS = 15 * 60_000;

/** A SigV4 signer for `execute-api` requests: the CLI signs with it, the local gateway verifies with it. */
export const executeApiSigner = (credentials: AwsCredentialIdentity, region: string): SignatureV4 =>
  new SignatureV4({ credentials, region, service: EXECUTE_API, sha256: Sha256, uriEscapePath: true });

/** Who the local gateway lets through: the one set of local credentials, as an IAM user of the local account. */
export interface LocalIamPrincipal {
  readonly credentials: AwsCredentialIdentity;
  readonly accountId: string;
  readonly userName: string;
}

/** What an IAM-authorised method puts in `requestContext.identity`. */
export interface IamCaller {
  readonly accessKey: string;
  readonly caller: string;
  readonly userArn: string;
  readonly user: string;
  readonly accountId: string;
}

export type IamVerdict = { readonly ok: true; readonly caller: IamCaller } | { readonly ok: false; readonly error: 'MISSING_AUTHENTICATION_TOKEN' | 'INVALID_SIGNATURE' };

/** The request as it arrived, for re-signing. */
export interface ArrivedRequest {
  readonly method: string;
  readonly host: string;
  /** The path as sent, stage prefix included. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/;

/**
 * API Gateway's IAM authorization, as far as one machine can have it: the request must carry a SigV4
 * `Authorization` header (else MISSING_AUTHENTICATION_TOKEN, as API Gateway answers), made with the
 * local credentials for `execute-api`, within 15 minutes of now, and the signature must be the one
 * this request has (else INVALID_SIGNATURE). It is recomputed with the same signer the SDK uses over
 * the headers the client signed. There are no IAM policies locally: the local principal may call
 * every IAM route.
 */
export const verifyIamRequest = async (request: ArrivedRequest, principal: LocalIamPrincipal, now: number): Promise<IamVerdict> => {
  const authorization = header(request.headers, 'authorization');
  const parts = authorization ? AUTHORIZATION.exec(authorization) : null;
  if (!parts) return { ok: false, error: 'MISSING_AUTHENTICATION_TOKEN' };
  const [, accessKey, , region, service, signedHeaders, signature] = parts as unknown as string[];
  const amzDate = header(request.headers, 'x-amz-date');
  const signedAt = amzDate ? Date.parse(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z')) : NaN;
  if (accessKey !== principal.credentials.accessKeyId || service !== EXECUTE_API || Number.isNaN(signedAt) || Math.abs(now - signedAt) > MAX_SKEW_MS) {
    return { ok: false, error: 'INVALID_SIGNATURE' };
  }
  const headers = Object.fromEntries(signedHeaders!.split(';').map((name) => [name, header(request.headers, name) ?? '']));
  const [hostname, port] = request.host.split(':');
  const resigned = await executeApiSigner(principal.credentials, region!).sign(
    {
      method: request.method,
      protocol: 'http:',
      hostname: hostname!,
      ...(port && { port: Number(port) }),
      path: request.path,
      query: Object.fromEntries(request.query),
      headers,
      body: request.body.length > 0 ? request.body : undefined,
    } as HttpRequest,
    { signingDate: new Date(signedAt) },
  );
  const expected = /Signature=([0-9a-f]{64})$/.exec(String(resigned.headers.authorization))?.[1] ?? '';
  if (expected.length !== signature!.length || !timingSafeEqual(Buffer.from(expected), Buffer.from(signature!))) return { ok: false, error: 'INVALID_SIGNATURE' };
  const userArn = `arn:aws:iam::${principal.accountId}:user/${principal.userName}`;
  return { ok: true, caller: { accessKey, caller: accessKey, userArn, user: principal.userName, accountId: principal.accountId } };
};

const header = (headers: ArrivedRequest['headers'], name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
};
