import { randomUUID } from 'node:crypto';

/**
 * The SNS Query protocol as @aws-sdk/client-sns speaks it (3.x uses `AwsQueryProtocol`): requests are
 * `application/x-www-form-urlencoded` with `Action=...`, answers are XML in the 2010-03-31 namespace.
 */
const SNS_XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';

/** Form fields of a Query request, flattened (`MessageAttributes.entry.1.Name` etc.). */
export type QueryParams = Readonly<Record<string, string>>;

/** Parses a form-urlencoded body; the last value of a repeated key wins, as in fauxqs. */
export const parseQueryBody = (body: string): QueryParams => Object.fromEntries(new URLSearchParams(body));

/** One SNS message attribute as the API takes it. */
export interface SnsMessageAttribute {
  readonly dataType: string;
  readonly stringValue?: string;
  /** Base64, as sent on the wire. */
  readonly binaryValue?: string;
}

/** Reads `MessageAttributes.entry.N.{Name,Value.DataType,Value.StringValue,Value.BinaryValue}`. */
export const parseMessageAttributes = (params: QueryParams): Record<string, SnsMessageAttribute> => {
  const attributes: Record<string, SnsMessageAttribute> = {};
  for (const key of Object.keys(params)) {
    const match = /^MessageAttributes\.entry\.(\d+)\.Name$/.exec(key);
    if (!match) continue;
    const prefix = `MessageAttributes.entry.${match[1]}.Value`;
    const name = params[key];
    const dataType = params[`${prefix}.DataType`];
    if (!name || !dataType) continue;
    attributes[name] = {
      dataType,
      ...(params[`${prefix}.StringValue`] !== undefined && { stringValue: params[`${prefix}.StringValue`] }),
      ...(params[`${prefix}.BinaryValue`] !== undefined && { binaryValue: params[`${prefix}.BinaryValue`] }),
    };
  }
  return attributes;
};

/** Escapes text for an XML element. */
export const escapeXml = (text: string): string =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&apos;');

/** `<PublishResponse>` with the message id, as SNS answers a successful Publish. */
export const publishResponseXml = (messageId: string, requestId: string = randomUUID()): string =>
  [
    `<PublishResponse xmlns="${SNS_XMLNS}">`,
    `  <PublishResult>`,
    `    <MessageId>${escapeXml(messageId)}</MessageId>`,
    `  </PublishResult>`,
    `  <ResponseMetadata>`,
    `    <RequestId>${escapeXml(requestId)}</RequestId>`,
    `  </ResponseMetadata>`,
    `</PublishResponse>`,
  ].join('\n');

/** The answer to `CheckIfPhoneNumberIsOptedOut`. */
export const optedOutResponseXml = (isOptedOut: boolean, requestId: string = randomUUID()): string =>
  [
    `<CheckIfPhoneNumberIsOptedOutResponse xmlns="${SNS_XMLNS}">`,
    `  <CheckIfPhoneNumberIsOptedOutResult>`,
    `    <isOptedOut>${isOptedOut}</isOptedOut>`,
    `  </CheckIfPhoneNumberIsOptedOutResult>`,
    `  <ResponseMetadata>`,
    `    <RequestId>${escapeXml(requestId)}</RequestId>`,
    `  </ResponseMetadata>`,
    `</CheckIfPhoneNumberIsOptedOutResponse>`,
  ].join('\n');

/** An SNS error (`<ErrorResponse>`); the SDK turns `code` into the exception's name. */
export const errorResponseXml = (code: string, message: string, type: 'Sender' | 'Receiver' = 'Sender', requestId: string = randomUUID()): string =>
  [
    `<ErrorResponse xmlns="${SNS_XMLNS}">`,
    `  <Error>`,
    `    <Type>${type}</Type>`,
    `    <Code>${escapeXml(code)}</Code>`,
    `    <Message>${escapeXml(message)}</Message>`,
    `  </Error>`,
    `  <RequestId>${escapeXml(requestId)}</RequestId>`,
    `</ErrorResponse>`,
  ].join('\n');
