import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { InvalidParameterException } from '@aws-sdk/client-sns';
import { loggedError } from '../../../layers/runtime/log-safe';

const ROOT = join(__dirname, '../../..');
const PHONE = '+447700900123';

describe('loggedError', () => {
  it('keeps an SDK error’s name and HTTP status, not its message, which quotes the request', async () => {
    // Prepare: SNS names the phone number it refused
    const sns = mockClient(SNSClient);
    sns.on(PublishCommand).rejects(
      new InvalidParameterException({ message: `Invalid parameter: PhoneNumber Reason: ${PHONE} is not valid`, $metadata: { httpStatusCode: 400 } }),
    );
    const error = await new SNSClient({ region: 'eu-west-1' }).send(new PublishCommand({ PhoneNumber: PHONE, Message: 'hi' })).catch((e: unknown) => e);

    // Act
    const logged = loggedError(error);

    // Assess
    expect(logged).toEqual({ error: 'InvalidParameterException', code: 400 });
    expect(JSON.stringify(logged)).not.toContain(PHONE);
    sns.restore();
  });

  it('keeps a system error’s code', () => {
    expect(loggedError(Object.assign(new Error('connect ECONNREFUSED 10.1.2.3:443'), { code: 'ECONNREFUSED' }))).toEqual({ error: 'Error', code: 'ECONNREFUSED' });
  });

  it('says only the type of something thrown that is not an Error', () => {
    expect(loggedError(PHONE)).toEqual({ error: 'string' });
  });
});

const sourcesUnder = (dir: string): string[] =>
  readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourcesUnder(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );

describe('the logging rule in the functions and layers', () => {
  const logCalls = ['functions', 'layers'].flatMap(sourcesUnder).flatMap((file) =>
    readFileSync(join(ROOT, file), 'utf8')
      .split('\n')
      .map((line, index) => ({ where: `${relative(ROOT, join(ROOT, file))}:${index + 1}`, line }))
      .filter(({ line }) => /\b(logger|console)\.(debug|info|warn|error|log)\(/.test(line)),
  );

  it('finds the log calls it checks', () => {
    expect(logCalls.length).toBeGreaterThan(10);
  });

  it('passes errors through loggedError: no message, no raw error object, no event body', () => {
    const offenders = logCalls.filter(({ line }) => /\.message\b|\{ error \}|, error\)|, cause\)|JSON\.stringify|\bevent\b(?!\.Records\.length)[,}]|phoneNumber|endpointArn|sourceIp/.test(line));
    expect(offenders).toEqual([]);
  });
});
