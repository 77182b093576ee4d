import { ConfigurationError } from '../../../layers/runtime/config';
import { DELIVER_CONFIG, NIGHTLY_PROFILES_CONFIG, PROCESS_EVENTS_CONFIG, RETRAIN_MODEL_CONFIG } from '../../../layers/runtime/function-configs';

const PROCESS_EVENTS_ENV = {
  PROFILES_TABLE_NAME: 'Profiles',
  INTENTS_QUEUE_URL: 'http://127.0.0.1/000000000000/intents',
  EVENTS_DLQ_URL: 'http://127.0.0.1/000000000000/events-dlq',
  CAMPAIGNS_TABLE_NAME: 'Campaigns',
  TIMERS_TABLE_NAME: 'Timers',
  EXPERIMENTS_TABLE_NAME: 'Experiments',
  KPIS_TABLE_NAME: 'Kpis',
  CONSENTS_TABLE_NAME: 'Consents',
  EVENTS_ARCHIVE_STREAM_NAME: 'EventsArchive',
  FIELD_KEY_ARN: 'arn:aws:kms:us-east-1:000000000000:key/0f3c2b1a-0000-4000-8000-000000000001',
};

const problemsOf = (parse: () => unknown) => {
  try {
    parse();
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems.map(({ variable }) => variable);
    throw error;
  }
  return [];
};

describe('the function configuration schemas', () => {
  it('parse once into typed values with their defaults', () => {
    // Act
    const config = PROCESS_EVENTS_CONFIG.parse(PROCESS_EVENTS_ENV);

    // Assess
    expect(config).toEqual({ ...PROCESS_EVENTS_ENV, CAMPAIGN_CACHE_TTL_SECONDS: 60, PERSONALIZE_TRACKING_ID: undefined, TRACKING_CONSENT: 'opt-in', TRACKING_CONSENT_BY_REGION: {} });
  });

  it('read the tracking policy, refusing what is neither opt-in nor opt-out', () => {
    // Act
    const config = PROCESS_EVENTS_CONFIG.parse({ ...PROCESS_EVENTS_ENV, TRACKING_CONSENT: 'opt-out', TRACKING_CONSENT_BY_REGION: '{"EU":"opt-in"}' });
    const problems = problemsOf(() => PROCESS_EVENTS_CONFIG.parse({ ...PROCESS_EVENTS_ENV, TRACKING_CONSENT: 'on', TRACKING_CONSENT_BY_REGION: '{"EU":true}' }));

    // Assess
    expect([config.TRACKING_CONSENT, config.TRACKING_CONSENT_BY_REGION]).toEqual(['opt-out', { EU: 'opt-in' }]);
    expect(problems).toEqual(['TRACKING_CONSENT', 'TRACKING_CONSENT_BY_REGION']);
  });

  it('name every bad variable at once, in one error type', () => {
    // Act
    const problems = problemsOf(() => PROCESS_EVENTS_CONFIG.parse({ ...PROCESS_EVENTS_ENV, PROFILES_TABLE_NAME: ' ', TIMERS_TABLE_NAME: undefined, CAMPAIGN_CACHE_TTL_SECONDS: '1.5' }));

    // Assess
    expect(problems).toEqual(['PROFILES_TABLE_NAME', 'TIMERS_TABLE_NAME', 'CAMPAIGN_CACHE_TTL_SECONDS']);
  });

  it.each([
    ['CAMPAIGN_CACHE_TTL_SECONDS', '0', 0],
    ['CAMPAIGN_CACHE_TTL_SECONDS', ' 300 ', 300],
    ['CAMPAIGN_CACHE_TTL_SECONDS', '1.5', undefined],
    ['CAMPAIGN_CACHE_TTL_SECONDS', '-1', undefined],
    ['CAMPAIGN_CACHE_TTL_SECONDS', '3601', undefined],
  ])('read %s=%j as %j (undefined: refused)', (variable, raw, expected) => {
    const parse = () => PROCESS_EVENTS_CONFIG.parse({ ...PROCESS_EVENTS_ENV, [variable]: raw })[variable as 'CAMPAIGN_CACHE_TTL_SECONDS'];
    if (expected === undefined) expect(problemsOf(parse)).toEqual([variable]);
    else expect(parse()).toBe(expected);
  });

  it.each([
    ['RETRAINING_METRIC_TOLERANCE', '0.01', true],
    ['RETRAINING_METRIC_TOLERANCE', '1', true],
    ['RETRAINING_METRIC_TOLERANCE', '2', false],
    ['RETRAINING_METRIC_TOLERANCE', 'NaN', false],
    ['RETRAINING_MIN_NEW_INTERACTIONS', '500', true],
    ['RETRAINING_MIN_NEW_INTERACTIONS', 'many', false],
  ])('retrain-model: %s=%s is %s', (variable, raw, ok) => {
    expect(problemsOf(() => RETRAIN_MODEL_CONFIG.parse({ MODELS_BUCKET_NAME: 'models', [variable]: raw }))).toEqual(ok ? [] : [variable]);
  });

  it('check deliver’s policy and recommendation variables with their own readers, without the name twice', () => {
    // Act
    const error = (() => {
      try {
        DELIVER_CONFIG.parse({ QUIET_HOURS: '22-08', RECOMMENDATION_BLEND: 'cf=1', DEFAULT_TIME_ZONE: 'Mars/Olympus' });
      } catch (caught) {
        return caught as ConfigurationError;
      }
    })();

    // Assess
    expect(error).toBeInstanceOf(ConfigurationError);
    const bad = error!.problems.filter(({ variable }) => ['QUIET_HOURS', 'RECOMMENDATION_BLEND', 'DEFAULT_TIME_ZONE'].includes(variable));
    expect(bad.map(({ variable }) => variable)).toEqual(['QUIET_HOURS', 'DEFAULT_TIME_ZONE', 'RECOMMENDATION_BLEND']);
    for (const { variable, reason } of bad) expect(reason.startsWith(variable)).toBe(false);
  });

  it('answer at synth for the values known then, leaving deployment-time tokens alone', () => {
    // Act
    const problems = NIGHTLY_PROFILES_CONFIG.problems({ PROFILES_TABLE_NAME: '${Token[TOKEN.1]}', CAMPAIGNS_TABLE_NAME: '${Token[TOKEN.2]}', TIMERS_TABLE_NAME: '${Token[TOKEN.3]}', RFM_CURRENCY: 'gbp', TABLE: 'x' }, (value) => value.startsWith('${Token'));

    // Assess
    expect(problems.map(({ variable }) => variable)).toEqual(['TABLE', 'RFM_CURRENCY']);
  });
});
