import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import type { Campaign } from '../../../../layers/core/campaigns/campaign';
import { CampaignInvalidError, type CampaignErrorCode, type CampaignFieldError } from '../../../../layers/core/campaigns/errors';
import { parseCampaign, toCampaignFile, type CampaignFile } from '../../../../layers/core/campaigns/parse-campaign';

const CAMPAIGNS_DIR = resolve(__dirname, '../../../../events/campaigns');
const SEED_IDS = ['viewed-no-cart-coupon', 'related-products-after-purchase', 'comeback-after-3-days', 'browsed-three-pages', 'app-open-free-delivery'];
/** Example campaigns of the other trigger shapes, with one content variant. */
const EXAMPLE_IDS = ['birthday-greeting', 'wishlist-reminder'];

/** A valid campaign file as data; each test breaks one thing in it. */
const validFile = (): CampaignFile => ({
  id: 'test-campaign',
  name: 'Test campaign',
  trigger: { event: { type: 'product_view', where: { dwellMs: { gte: 3000 } } }, unless: { event: { type: 'add_to_cart' }, within: '30m' }, correlateOn: 'productId' },
  content: [
    { name: 'new-users', when: { lifecycleStages: ['new'] }, title: 'Welcome', body: 'Take {{coupon}}', coupon: 'WELCOME15' },
    { name: 'default', title: 'Hi', body: 'Picked for you: {{product1}}', recommendations: 1 },
  ],
  channels: ['push', 'sms'],
  caps: { oncePer: '3d' },
});

/** The problems parseCampaign reports for a file (fails the test if it parses). */
const problemsOf = (file: unknown, fileName = 'test.yaml', asText = stringify): CampaignFieldError[] => {
  try {
    parseCampaign(typeof file === 'string' ? file : asText(file), fileName);
  } catch (error) {
    if (error instanceof CampaignInvalidError) return [...error.errors];
    throw error;
  }
  throw new Error('expected the file to be invalid');
};

const breaking = (change: (file: CampaignFile & Record<string, unknown>) => void) => {
  const file = validFile() as CampaignFile & Record<string, unknown>;
  change(file);
  return problemsOf(file);
};

const expectProblem = (problems: CampaignFieldError[], path: string, code: CampaignErrorCode, message?: RegExp) =>
  expect(problems).toContainEqual(expect.objectContaining({ path, code, ...(message ? { message: expect.stringMatching(message) } : {}) }));

describe('parseCampaign', () => {
  describe('the seed campaigns in events/campaigns/', () => {
    it('holds exactly the five seed campaigns and the examples, each named after its id', () => {
      // Act
      const files = readdirSync(CAMPAIGNS_DIR).sort();

      // Assess
      expect(files).toEqual([...SEED_IDS, ...EXAMPLE_IDS].map((id) => `${id}.yaml`).sort());
    });

    it('reads a date trigger, and it survives toCampaignFile and back', () => {
      // Act
      const campaign = parseCampaign(readFileSync(join(CAMPAIGNS_DIR, 'birthday-greeting.yaml'), 'utf8'), 'birthday-greeting.yaml');

      // Assess
      expect(campaign.trigger).toEqual({ date: { trait: 'birthday', every: 'year', at: '09:00' } });
      expect(parseCampaign(stringify(toCampaignFile(campaign)), 'birthday-greeting.yaml')).toEqual(campaign);
    });

    it.each(SEED_IDS)('%s is valid and has a content variant per segment plus a default', (id) => {
      // Prepare
      const file = join(CAMPAIGNS_DIR, `${id}.yaml`);

      // Act
      const campaign = parseCampaign(readFileSync(file, 'utf8'), file);

      // Assess
      expect(campaign.id).toBe(id);
      expect(campaign.content.map((variant) => variant.name)).toEqual(['new-users', 'churn-risk', 'high-value', 'default']);
      expect(campaign.content.at(-1)?.when).toBeUndefined();
    });

    it('reads each trigger with its durations in milliseconds', () => {
      // Act
      const triggers = Object.fromEntries(
        SEED_IDS.map((id) => [id, parseCampaign(readFileSync(join(CAMPAIGNS_DIR, `${id}.yaml`), 'utf8'), `${id}.yaml`)]),
      ) as Record<string, Campaign>;

      // Assess
      expect(triggers['viewed-no-cart-coupon']!.trigger).toEqual({
        event: { type: 'product_view', where: { dwellMs: { gte: 3000 } } },
        unless: { event: { type: 'add_to_cart' }, withinMs: 30 * 60_000 },
        correlateOn: 'productId',
      });
      expect(triggers['related-products-after-purchase']!.trigger).toEqual({ event: { type: 'purchase' }, afterMs: 24 * 3_600_000 });
      expect(triggers['related-products-after-purchase']!.content.every((variant) => variant.recommendations === 3)).toBe(true);
      expect(triggers['comeback-after-3-days']!.trigger).toEqual({ event: { type: ['login', 'app_open'] }, afterMs: 3 * 86_400_000 });
      expect(triggers['comeback-after-3-days']!.channels).toEqual(['push', 'sms']);
      expect(triggers['browsed-three-pages']!.trigger).toEqual({ event: { type: 'page_view' }, count: { atLeast: 3, withinMs: 30 * 60_000 } });
    });

    it.each(SEED_IDS)('%s survives toCampaignFile and back unchanged', (id) => {
      // Prepare
      const campaign = parseCampaign(readFileSync(join(CAMPAIGNS_DIR, `${id}.yaml`), 'utf8'), `${id}.yaml`);

      // Act
      const again = parseCampaign(stringify(toCampaignFile(campaign)), `${id}.yaml`);

      // Assess
      expect(again).toEqual(campaign);
    });
  });

  describe('formats', () => {
    it('reads the same campaign from YAML and from JSON', () => {
      // Act
      const fromYaml = parseCampaign(stringify(validFile()), 'c.yaml');
      const fromYml = parseCampaign(stringify(validFile()), 'c.yml');
      const fromJson = parseCampaign(JSON.stringify(validFile(), null, 2), 'c.json');

      // Assess
      expect(fromYml).toEqual(fromYaml);
      expect(fromJson).toEqual(fromYaml);
    });

    it('tells JSON from YAML by the content when the name has no known extension', () => {
      // Act
      const json = parseCampaign(JSON.stringify(validFile()));
      const yaml = parseCampaign(stringify(validFile()), 'campaign.txt');

      // Assess
      expect(json).toEqual(yaml);
    });

    it('fills the defaults and leaves out the $schema hint', () => {
      // Prepare
      const file = { $schema: '../schemas/campaign.schema.json', ...validFile() };

      // Act
      const campaign = parseCampaign(stringify(file), 'c.yaml');

      // Assess
      expect(campaign).toMatchObject({ category: 'marketing', audience: {}, caps: { oncePerMs: 3 * 86_400_000 } });
      expect(campaign.content[0]!.recommendations).toBe(0);
      expect(campaign).not.toHaveProperty('$schema');
    });

    it('reads rollout and experiment with the seed defaults (5/20/50/100, 50/50 control, α 0.05, guardrail at a 20% drop)', () => {
      // Prepare
      const file = { ...validFile(), rollout: { bake: '12h', guardrail: { alpha: 0.01 } }, experiment: { attributionWindow: '2d' } };

      // Act
      const campaign = parseCampaign(JSON.stringify(file), 'c.json');

      // Assess
      expect(campaign.rollout).toEqual({
        stages: [5, 20, 50, 100],
        bakeMs: 12 * 3_600_000,
        controlShare: 0.5,
        minimumPerArm: 100,
        guardrail: { relativeDrop: 0.2, alpha: 0.01 },
        attributionWindowMs: 2 * 86_400_000,
        alpha: 0.05,
        srmAlpha: 0.001,
        expectedConversion: 0.15,
        minimumDetectableLift: 0.25,
        variants: [{ name: 'default', weight: 1 }],
      });
      expect(parseCampaign(JSON.stringify(toCampaignFile(campaign)), 'again.json')).toEqual(campaign);
    });

    it('runs an experiment without a rollout section at 100% with its variants', () => {
      // Act
      const campaign = parseCampaign(JSON.stringify({ ...validFile(), experiment: { variants: [{ name: 'a' }, { name: 'b', weight: 2, title: 'Other' }] } }), 'c.json');

      // Assess
      expect(campaign.rollout).toMatchObject({ stages: [100], variants: [{ name: 'a', weight: 1 }, { name: 'b', weight: 2, title: 'Other' }] });
    });
  });

  describe('errors name the field', () => {
    it('TRIGGER_SHAPE: a trigger with neither event nor date, or a date with another shape', () => {
      expectProblem(breaking((file) => (file.trigger = {})), '/trigger', 'TRIGGER_SHAPE', /needs `event`/);
      expectProblem(breaking((file) => (file.trigger = { ...file.trigger, date: { trait: 'birthday', at: '09:00' } })), '/trigger', 'TRIGGER_SHAPE', /stands alone/);
    });

    it('a broadcast schedule: once or cron, in the user’s zone or one zone; an imported segment only for broadcasts', () => {
      // Act
      const weekly = parseCampaign(stringify({ ...validFile(), trigger: { schedule: { cron: '0 10 * * FRI' } }, audience: { importedSegment: 'vip-list' } }), 'weekly.yaml');
      const both = breaking((file) => (file.trigger = { schedule: { at: '2026-12-24T09:00', cron: '0 10 * * FRI' } }));
      const badCron = breaking((file) => (file.trigger = { schedule: { cron: '0 10 * * FRI 2026' } }));
      const badZone = breaking((file) => (file.trigger = { schedule: { at: '2026-12-24T09:00', timeZone: 'Mars/Base' } }));
      const importedOnEvents = breaking((file) => (file.audience = { importedSegment: 'vip-list' }));

      // Assess
      expect(weekly.trigger).toEqual({ schedule: { cron: '0 10 * * FRI' } });
      expectProblem(both, '/trigger/schedule', 'TRIGGER_SHAPE', /exactly one/);
      expectProblem(badCron, '/trigger/schedule/cron', 'INVALID_VALUE', /five fields/);
      expectProblem(badZone, '/trigger/schedule/timeZone', 'INVALID_VALUE');
      expectProblem(importedOnEvents, '/audience/importedSegment', 'INVALID_VALUE', /broadcasts/);
    });

    it('SCHEMA: a date trigger’s local time, offset and trait name', () => {
      const problems = breaking((file) => (file.trigger = { date: { trait: 'birth day', at: '9am', offsetDays: 400 } }));
      for (const path of ['/trigger/date/trait', '/trigger/date/at', '/trigger/date/offsetDays']) expect(problems).toContainEqual(expect.objectContaining({ path }));
    });

    it('INVALID_VALUE: rollout stages that shrink or stop short of 100', () => {
      const problems = breaking((file) => (file.rollout = { stages: [20, 5, 50] }));
      expectProblem(problems, '/rollout/stages/1', 'INVALID_VALUE', /exposure only grows/);
      expectProblem(problems, '/rollout/stages', 'INVALID_VALUE', /must end at 100/);
    });

    it('INVALID_DURATION and DUPLICATE: a bake beyond 14 days, two variants of one name, an unknown placeholder in a variant', () => {
      const problems = breaking((file) => {
        file.rollout = { bake: '15d' };
        file.experiment = { variants: [{ name: 'a' }, { name: 'a', body: 'Hi {{nmae}}' }] };
      });
      expectProblem(problems, '/rollout/bake', 'INVALID_DURATION', /at most 14d/);
      expectProblem(problems, '/experiment/variants/1/name', 'DUPLICATE');
      expectProblem(problems, '/experiment/variants/1/body', 'UNKNOWN_PLACEHOLDER');
    });

    it('SCHEMA: a control share above one half', () => {
      expect(breaking((file) => (file.rollout = { controlShare: 0.9 }))).toContainEqual(expect.objectContaining({ path: '/rollout/controlShare' }));
    });

    it('SYNTAX: YAML that does not parse, with its line', () => {
      // Act
      const problems = problemsOf('id: test-campaign\nname: [unclosed\ntrigger: {}\n');

      // Assess
      expect(problems).toEqual([expect.objectContaining({ path: '', code: 'SYNTAX', message: expect.stringMatching(/^is not valid YAML/) })]);
      expect(problems[0]!.line).toBeGreaterThanOrEqual(2);
    });

    it('SYNTAX: JSON that does not parse, and JSON with a key given twice', () => {
      // Act
      const broken = problemsOf('{\n  "id": "x",\n}', 'c.json');
      const twice = problemsOf('{\n  "id": "a-b-c",\n  "id": "d-e-f"\n}', 'c.json');

      // Assess
      expectProblem(broken, '', 'SYNTAX', /is not valid JSON/);
      expectProblem(twice, '', 'SYNTAX', /same key twice/);
      expect(twice[0]!.line).toBe(3);
    });

    it('MISSING_FIELD: an empty file and a missing field, explained', () => {
      // Act
      const empty = problemsOf('# nothing yet\n');
      const noCaps = breaking((file) => {
        delete (file as Partial<CampaignFile>).caps;
      });
      const noWithin = breaking((file) => {
        delete (file.trigger.unless as Partial<{ within: string }>).within;
      });

      // Assess
      expectProblem(empty, '', 'MISSING_FIELD', /is empty/);
      expectProblem(noCaps, '/caps', 'MISSING_FIELD', /is required/);
      expectProblem(noWithin, '/trigger/unless/within', 'MISSING_FIELD', /is required \(How long the user has/);
    });

    it('UNKNOWN_FIELD: a typo, with a suggestion and the allowed names', () => {
      // Act
      const problems = breaking((file) => {
        const unless = file.trigger.unless as Record<string, unknown>;
        unless.whithin = unless.within;
        delete unless.within;
      });

      // Assess
      expectProblem(problems, '/trigger/unless/whithin', 'UNKNOWN_FIELD', /did you mean "within"\?.*allowed: event, within/);
    });

    it('UNKNOWN_FIELD: a where condition on a property the event type does not have', () => {
      // Act
      const problems = breaking((file) => {
        file.trigger.event!.where = { dwelMs: { gte: 3000 } };
      });

      // Assess
      expectProblem(problems, '/trigger/event/where/dwelMs', 'UNKNOWN_FIELD', /not a property of product_view events \(did you mean "dwellMs"\?\)/);
    });

    it('WRONG_TYPE: a value of the wrong kind', () => {
      // Act
      const problems = breaking((file) => {
        (file as Record<string, unknown>).channels = 'push';
        file.trigger.event!.where = { dwellMs: 3000 as never };
      });

      // Assess
      expectProblem(problems, '/channels', 'WRONG_TYPE', /must be an array/);
      expectProblem(problems, '/trigger/event/where/dwellMs', 'WRONG_TYPE', /exactly one of equals, in, gte, lte, exists/);
    });

    it('INVALID_VALUE: an unknown event type, channel, lifecycle stage or tag, and a non-kebab id', () => {
      // Act
      const problems = breaking((file) => {
        file.id = 'Test_Campaign';
        file.channels = ['push', 'pigeon' as never];
        file.content[0]!.when = { lifecycleStages: ['newbie' as never], tagsAny: ['big-spender'] };
      });

      // Assess
      expectProblem(problems, '/id', 'INVALID_VALUE', /kebab-case/);
      expectProblem(problems, '/channels/1', 'INVALID_VALUE', /must be one of: push, in-app, sms/);
      expectProblem(problems, '/content/0/when/lifecycleStages/0', 'INVALID_VALUE', /new, growth, stable, churn-risk/);
      expectProblem(problems, '/content/0/when/tagsAny/0', 'INVALID_VALUE', /must be a profile tag/);
    });

    it('INVALID_VALUE: an event type a letter or two from a known one is a typo, not a custom event', () => {
      expectProblem(breaking((file) => (file.trigger.event!.type = 'product_veiw')), '/trigger/event/type', 'INVALID_VALUE', /did you mean "product_view"/);
      expectProblem(breaking((file) => (file.trigger.event!.type = 'wishlist_ad')), '/trigger/event/type', 'INVALID_VALUE', /did you mean "wishlist_add"/);
      expectProblem(breaking((file) => (file.trigger.event!.type = 'Teleport')), '/trigger/event/type', 'INVALID_VALUE');
    });

    it('accepts a custom event type, registered or not, and checks `where` only against a registered one’s properties', () => {
      const parse = (trigger: object) => parseCampaign(stringify({ ...validFile(), trigger }), 'custom.yaml');
      expect(parse({ event: { type: 'search', where: { query: { exists: true } } } }).trigger.event?.type).toBe('search');
      expect(parse({ event: { type: 'product_view', where: { 'custom.color': { equals: 'red' } } } }).trigger.event?.where).toEqual({ 'custom.color': { equals: 'red' } });
      expectProblem(breaking((file) => (file.trigger = { event: { type: 'wishlist_add', where: { colour: { equals: 'red' } } } })), '/trigger/event/where/colour', 'UNKNOWN_FIELD');
    });

    it('INVALID_VALUE: a list of event types with an unknown one names its index', () => {
      // Act
      const problems = breaking((file) => {
        file.trigger = { event: { type: ['login', 'log_in' as never] } };
      });

      // Assess
      expectProblem(problems, '/trigger/event/type/1', 'INVALID_VALUE', /did you mean "login"/);
    });

    it.each([
      ['not a duration', '3 days', /must be a duration: a whole number and a unit/],
      ['a number without a unit', 30, /must be a duration/],
      ['zero', '0m', /must be longer than 0/],
      ['over the bound', '91d', /must be at most 90d \(is 91d\)/],
    ])('INVALID_DURATION: %s', (_case, within, message) => {
      // Act
      const problems = breaking((file) => {
        file.trigger.unless!.within = within as string;
      });

      // Assess
      expectProblem(problems, '/trigger/unless/within', 'INVALID_DURATION', message);
    });

    it('INVALID_DURATION: each duration field has its own upper bound', () => {
      // Act
      const count = breaking((file) => {
        file.trigger = { event: { type: 'page_view' }, count: { atLeast: 3, within: '8d' } };
      });
      const after = breaking((file) => {
        file.trigger = { event: { type: 'purchase' }, after: '13w' };
      });
      const cap = breaking((file) => {
        file.caps.oncePer = '366d';
      });

      // Assess
      expectProblem(count, '/trigger/count/within', 'INVALID_DURATION', /at most 7d/);
      expectProblem(after, '/trigger/after', 'INVALID_DURATION', /at most 90d/);
      expectProblem(cap, '/caps/oncePer', 'INVALID_DURATION', /at most 365d/);
    });

    it('TRIGGER_SHAPE: more than one of count, unless, after', () => {
      // Act
      const problems = breaking((file) => {
        file.trigger.after = '24h';
      });

      // Assess
      expectProblem(problems, '/trigger', 'TRIGGER_SHAPE', /has unless and after: a trigger takes at most one of count, unless, after/);
    });

    it('CORRELATE_WITHOUT_TIMER: correlateOn on a trigger without unless or after', () => {
      // Act
      const problems = breaking((file) => {
        file.trigger = { event: { type: 'product_view' }, count: { atLeast: 2, within: '1h' }, correlateOn: 'productId' };
      });

      // Assess
      expectProblem(problems, '/trigger/correlateOn', 'CORRELATE_WITHOUT_TIMER', /needs `unless` or `after`/);
    });

    it('INVALID_VALUE: correlateOn a property the completing event does not have', () => {
      // Act
      const problems = breaking((file) => {
        file.trigger.unless!.event = { type: 'purchase' };
      });

      // Assess
      expectProblem(problems, '/trigger/correlateOn', 'INVALID_VALUE', /"productId" is not a property of purchase events \(\/trigger\/unless\/event\/type\)/);
    });

    it('DEFAULT_CONTENT: no default variant', () => {
      // Act
      const problems = breaking((file) => {
        file.content = [file.content[0]!];
      });

      // Assess
      expectProblem(problems, '/content', 'DEFAULT_CONTENT', /needs a default variant/);
    });

    it('DEFAULT_CONTENT: a second default, a default that is not last, an empty when', () => {
      // Act
      const problems = breaking((file) => {
        const [segment, fallback] = file.content;
        file.content = [fallback!, { ...segment!, when: {} }, { ...fallback!, name: 'other-default' }];
      });

      // Assess
      expectProblem(problems, '/content/2', 'DEFAULT_CONTENT', /second default variant.*the first is \/content\/0/);
      expectProblem(problems, '/content/1/when', 'DEFAULT_CONTENT', /matches everybody/);
    });

    it('DEFAULT_CONTENT: the default before other variants', () => {
      // Act
      const problems = breaking((file) => {
        file.content.reverse();
      });

      // Assess
      expectProblem(problems, '/content/0', 'DEFAULT_CONTENT', /must come last/);
    });

    it('DUPLICATE: a channel listed twice, two variants with one name', () => {
      // Act
      const channels = breaking((file) => {
        file.channels = ['push', 'sms', 'push'];
      });
      const names = breaking((file) => {
        file.content[0]!.name = 'default';
      });

      // Assess
      expectProblem(channels, '/channels/2', 'DUPLICATE', /repeats \/channels\/0/);
      expectProblem(names, '/content/1/name', 'DUPLICATE', /also the name of \/content\/0/);
    });

    it('UNKNOWN_PLACEHOLDER and placeholders the variant cannot fill', () => {
      // Act
      const problems = breaking((file) => {
        file.content[0]!.sms = 'Use {{cupon}} now';
        file.content[1]!.body = 'Try {{product1}} or {{ product2 }}';
        file.content[1]!.deepLink = 'app://offer/{{coupon}}';
      });

      // Assess
      expectProblem(problems, '/content/0/sms', 'UNKNOWN_PLACEHOLDER', /\{\{cupon\}\} \(did you mean "coupon"\?\)/);
      expectProblem(problems, '/content/1/body', 'INVALID_VALUE', /\{\{product2\}\}.*set recommendations to at least 2/);
      expectProblem(problems, '/content/1/deepLink', 'MISSING_FIELD', /no `coupon`/);
    });

    it('INVALID_VALUE: a tag both required and excluded', () => {
      // Act
      const problems = breaking((file) => {
        file.audience = { tagsAll: ['repeat-buyer'], tagsNone: ['high-spender', 'repeat-buyer'] };
      });

      // Assess
      expectProblem(problems, '/audience/tagsNone/1', 'INVALID_VALUE', /also in tagsAll/);
    });

    it('reports every problem at once, in file order, each with its line', () => {
      // Prepare
      const text = [
        'id: test-campaign',
        'name: Test',
        'trigger:',
        '  event: { type: purchase }',
        '  after: 24 hours',
        'content:',
        '  - { name: default, title: Hi, body: Hello }',
        'channels: [push, fax]',
        'caps: { oncePer: 7d }',
      ].join('\n');

      // Act
      const error = (() => {
        try {
          parseCampaign(text, 'events/campaigns/test.yaml');
        } catch (thrown) {
          return thrown as CampaignInvalidError;
        }
        throw new Error('expected the file to be invalid');
      })();

      // Assess
      expect(error).toBeInstanceOf(CampaignInvalidError);
      expect(error.name).toBe('CampaignInvalidError');
      expect(error.errors.map(({ path, line }) => ({ path, line }))).toEqual([
        { path: '/trigger/after', line: 5 },
        { path: '/channels/1', line: 8 },
      ]);
      expect(error.message).toMatch(/^events\/campaigns\/test\.yaml: invalid campaign \(2 problems\)\n {2}\/trigger\/after \(line 5\): must be a duration/);
    });
  });
});
