import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeHttpServer } from './close-http-server';
import { DirectPublishRecorder } from './direct-publish-recorder';
import { listenOnLoopback, LOOPBACK } from './free-port';
import type { RunningEmulator } from './emulator';
import { errorResponseXml, optedOutResponseXml, parseMessageAttributes, parseQueryBody, publishResponseXml, type QueryParams } from './sns-query-protocol';

/** Options of {@link startSnsDirectPublish}. */
export interface SnsDirectPublishOptions {
  /** Where every request that is not a direct publish goes: the fauxqs endpoint. */
  readonly upstream: string;
  /** @default a new recorder */
  readonly recorder?: DirectPublishRecorder;
}

/** The local SNS endpoint. */
export interface SnsDirectPublishServer extends RunningEmulator {
  readonly recorder: DirectPublishRecorder;
}

/** Largest SNS message: 256 KiB. */
const MAX_MESSAGE_BYTES = 262_144;
const E164 = /^\+[1-9]\d{1,14}$/;
const ENDPOINT_ARN = /^arn:[^:]+:sns:[^:]*:[^:]*:endpoint\/.+/;

/**
 * THE local SNS endpoint. fauxqs handles topics and SQS subscriptions but not Publish to a mobile
 * push endpoint (`TargetArn`) or a phone number (`PhoneNumber`), nor the SMS opt-out list
 * (`CheckIfPhoneNumberIsOptedOut`): those this server answers itself,
 * recording each as a {@link DirectPublish} and replying with a Query-protocol PublishResponse.
 * Every other request is forwarded to fauxqs unchanged (method, path, headers and body bytes), and
 * fauxqs's answer is passed back unchanged.
 */
export const startSnsDirectPublish = async (options: SnsDirectPublishOptions): Promise<SnsDirectPublishServer> => {
  const recorder = options.recorder ?? new DirectPublishRecorder();
  const upstream = new URL(options.upstream);
  const agent = new Agent({ keepAlive: true });

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const params = isFormRequest(req) ? parseQueryBody(body.toString('utf8')) : undefined;
      if (params && isDirectPublish(params)) {
        answerDirectPublish(params, recorder, res);
        return;
      }
      if (params?.Action === 'CheckIfPhoneNumberIsOptedOut') {
        answerOptedOut(params, recorder, res);
        return;
      }
      forward(req, body, upstream, agent, res);
    });
    req.on('error', () => res.destroy());
  });

  const port = await listenOnLoopback(server);
  return {
    endpoint: `http://${LOOPBACK}:${port}`,
    port,
    recorder,
    stop: async () => {
      await closeHttpServer(server);
      agent.destroy();
    },
  };
};

const isFormRequest = (req: IncomingMessage): boolean =>
  req.method === 'POST' && (req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded');

/** A Publish without a topic: to a platform endpoint or a phone number. */
const isDirectPublish = (params: QueryParams): boolean =>
  params.Action === 'Publish' && !params.TopicArn && (params.TargetArn !== undefined || params.PhoneNumber !== undefined);

const answerDirectPublish = (params: QueryParams, recorder: DirectPublishRecorder, res: ServerResponse): void => {
  const reply = (status: number, xml: string): void => {
    res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() });
    res.end(xml);
  };
  const invalid = (message: string): void => reply(400, errorResponseXml('InvalidParameter', `Invalid parameter: ${message}`));

  const { TargetArn: targetArn, PhoneNumber: phoneNumber, Message: message } = params;
  if (targetArn !== undefined && phoneNumber !== undefined) return invalid('TargetArn and PhoneNumber are mutually exclusive');
  if (!message) return invalid('Empty message');
  if (Buffer.byteLength(message, 'utf8') > MAX_MESSAGE_BYTES) return invalid('Message too long');
  if (targetArn !== undefined && !ENDPOINT_ARN.test(targetArn)) return invalid(`TargetArn Reason: ${targetArn} is not a platform endpoint ARN`);
  if (phoneNumber !== undefined && !E164.test(phoneNumber)) return invalid('PhoneNumber Reason: not an E.164 number');
  if (params.MessageStructure === 'json' && !hasDefaultMessage(message)) {
    return invalid('Message Structure - JSON message body failed to parse or has no "default" entry');
  }
  const rejection = targetArn ? recorder.rejectionFor(targetArn) : undefined;
  if (rejection) return reply(400, errorResponseXml(rejection.code, rejection.message));
  if (phoneNumber !== undefined && recorder.isOptedOut(phoneNumber)) return invalid('PhoneNumber Reason: the number has opted out');

  const id = randomUUID();
  recorder.record({
    id,
    kind: targetArn !== undefined ? 'push' : 'sms',
    ...(targetArn !== undefined && { targetArn }),
    ...(phoneNumber !== undefined && { phoneNumber }),
    message,
    ...(params.Subject !== undefined && { subject: params.Subject }),
    ...(params.MessageStructure !== undefined && { messageStructure: params.MessageStructure }),
    messageAttributes: parseMessageAttributes(params),
    receivedAt: new Date(),
  });
  reply(200, publishResponseXml(id));
};

const answerOptedOut = (params: QueryParams, recorder: DirectPublishRecorder, res: ServerResponse): void => {
  const phoneNumber = params.phoneNumber ?? params.PhoneNumber;
  const ok = phoneNumber !== undefined && E164.test(phoneNumber);
  res.writeHead(ok ? 200 : 400, { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() });
  res.end(ok ? optedOutResponseXml(recorder.isOptedOut(phoneNumber)) : errorResponseXml('InvalidParameter', 'Invalid parameter: PhoneNumber Reason: not an E.164 number'));
};

/** SNS rejects a `MessageStructure=json` publish whose message is not JSON with a `default` key. */
const hasDefaultMessage = (message: string): boolean => {
  try {
    const parsed: unknown = JSON.parse(message);
    return typeof parsed === 'object' && parsed !== null && typeof (parsed as Record<string, unknown>).default === 'string';
  } catch {
    return false;
  }
};

const forward = (req: IncomingMessage, body: Buffer, upstream: URL, agent: Agent, res: ServerResponse): void => {
  const proxied = httpRequest(
    { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent },
    (upstreamRes) => {
      res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
      upstreamRes.pipe(res);
    },
  );
  proxied.on('error', (error) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(502, { 'content-type': 'text/xml' });
    res.end(errorResponseXml('InternalError', `the local SNS endpoint could not reach fauxqs: ${error.message}`, 'Receiver'));
  });
  proxied.end(body);
};
