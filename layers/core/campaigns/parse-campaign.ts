import { cronProblem } from '../broadcasts/occurrences';
import { canonicalTimeZone } from '../time-zone';
import Ajv, { type ErrorObject } from 'ajv';
import { LineCounter, parseDocument, type Document } from 'yaml';
import campaignSchema from '../../../events/schemas/campaign.schema.json';
import { EVENT_SCHEMAS } from '../contract/event-schemas';
import { EVENT_TYPES, isStandardEventType } from '../contract/pipeline-event';
import { REGISTERED_CUSTOM_EVENT_SCHEMAS } from '../contract/custom-event-schemas';
import { DEFAULT_IN_APP, type Audience, type Campaign, type CampaignGoals, type ContentVariant, type EventPattern, type ExperimentVariant, type InAppSettings, type RolloutPlan, type Trigger } from './campaign';
import { formatDuration, parseDuration } from './duration';
import { CampaignInvalidError, type CampaignFieldError } from './errors';
import { CAMPAIGN_PLACEHOLDERS, DYNAMIC_PLACEHOLDER, PRODUCT_PLACEHOLDER, placeholdersIn } from './placeholders';
import { uniqueFieldErrors } from '../unique-field-errors';

/**
 * The schema of a campaign file, imported statically so the bundler ships it inside each function.
 * `events/schemas/campaign.schema.json` is the one source of truth for the file's shape.
 */
export const CAMPAIGN_SCHEMA = campaignSchema;

const DAY_MS = 86_400_000;

/** Upper bounds of each duration field (all must also be > 0), by JSON pointer. */
export const DURATION_LIMITS_MS = {
  '/trigger/count/within': 7 * DAY_MS,
  '/trigger/unless/within': 90 * DAY_MS,
  '/trigger/after': 90 * DAY_MS,
  '/caps/oncePer': 365 * DAY_MS,
  '/rollout/bake': 14 * DAY_MS,
  '/experiment/attributionWindow': 30 * DAY_MS,
  '/attributionWindow': 30 * DAY_MS,
  '/inApp/expiresAfter': 90 * DAY_MS,
} as const;

/** The seed's procedure (DESIGN.md): 5 → 20 → 50 → 100 %, 50/50 control, p < 0.05, guardrail at a 20% drop. */
export const DEFAULT_ROLLOUT: Omit<RolloutPlan, 'variants'> = {
  stages: [5, 20, 50, 100],
  bakeMs: DAY_MS,
  controlShare: 0.5,
  minimumPerArm: 100,
  guardrail: { relativeDrop: 0.2, alpha: 0.025 },
  attributionWindowMs: DAY_MS,
  alpha: 0.05,
  srmAlpha: 0.001,
  expectedConversion: 0.15,
  minimumDetectableLift: 0.25,
};

type Duration = string;

/** A campaign file as written: {@link Campaign} with durations as strings and a few defaults unset. */
export interface CampaignFile {
  $schema?: string;
  id: string;
  name: string;
  description?: string;
  category?: Campaign['category'];
  trigger: Omit<Trigger, 'count' | 'unless' | 'afterMs'> & {
    count?: { atLeast: number; within: Duration };
    unless?: { event: EventPattern; within: Duration };
    after?: Duration;
  };
  audience?: Audience;
  content: (Omit<ContentVariant, 'recommendations'> & { recommendations?: number })[];
  channels: Campaign['channels'];
  caps: { oncePer: Duration };
  inApp?: Partial<Omit<InAppSettings, 'expiresAfterMs'>> & { expiresAfter?: Duration };
  attributionWindow?: Duration;
  goals?: CampaignGoals;
  rollout?: {
    stages?: number[];
    bake?: Duration;
    controlShare?: number;
    minimumPerArm?: number;
    guardrail?: { relativeDrop?: number; alpha?: number };
  };
  experiment?: {
    attributionWindow?: Duration;
    alpha?: number;
    srmAlpha?: number;
    expectedConversion?: number;
    minimumDetectableLift?: number;
    variants?: (Omit<ExperimentVariant, 'weight' | 'delayMs'> & { weight?: number; delay?: Duration })[];
  };
}

const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
const checkSchema = ajv.compile<CampaignFile>(CAMPAIGN_SCHEMA);

/**
 * Reads a campaign file (YAML or JSON), validates it against `events/schemas/campaign.schema.json` and the
 * rules the schema cannot express, and returns the campaign with durations in milliseconds.
 *
 * The format follows the file name (`.json` → JSON, `.yaml`/`.yml` → YAML), or the content when there is
 * no such extension (a leading `{` → JSON). Throws {@link CampaignInvalidError} listing every problem,
 * each with the JSON pointer of the field (and its line, when known).
 */
export const parseCampaign = (text: string, fileName = '<input>'): Campaign => {
  const source = readSource(text, fileName);
  const invalid = (errors: CampaignFieldError[]) =>
    new CampaignInvalidError(fileName, byLine(errors.map((error) => withLine(error, source.locate))));
  if (!source.ok) throw invalid(source.errors);
  if (!checkSchema(source.value)) throw invalid(schemaErrors(checkSchema.errors));
  const errors = semanticErrors(source.value);
  if (errors.length > 0) throw invalid(errors);
  return toCampaign(source.value);
};

/** Turns a validated campaign back into its file form (durations as strings), e.g. for `campaigns show`. */
export const toCampaignFile = (campaign: Campaign): CampaignFile => {
  const { count, unless, afterMs, ...trigger } = campaign.trigger;
  return {
    id: campaign.id,
    name: campaign.name,
    ...(campaign.description !== undefined ? { description: campaign.description } : {}),
    category: campaign.category,
    trigger: {
      ...trigger,
      ...(count ? { count: { atLeast: count.atLeast, within: formatDuration(count.withinMs) } } : {}),
      ...(unless ? { unless: { event: unless.event, within: formatDuration(unless.withinMs) } } : {}),
      ...(afterMs !== undefined ? { after: formatDuration(afterMs) } : {}),
    },
    audience: campaign.audience,
    content: campaign.content,
    channels: campaign.channels,
    caps: { oncePer: formatDuration(campaign.caps.oncePerMs) },
    ...(campaign.inApp && { inApp: toInAppFile(campaign.inApp) }),
    ...(campaign.attributionWindowMs !== undefined && { attributionWindow: formatDuration(campaign.attributionWindowMs) }),
    ...(campaign.goals && { goals: campaign.goals }),
    ...(campaign.rollout ? toRolloutFile(campaign.rollout) : {}),
  };
};

const toRolloutFile = (plan: RolloutPlan): Pick<CampaignFile, 'rollout' | 'experiment'> => ({
  rollout: { stages: plan.stages, bake: formatDuration(plan.bakeMs), controlShare: plan.controlShare, minimumPerArm: plan.minimumPerArm, guardrail: plan.guardrail },
  experiment: {
    attributionWindow: formatDuration(plan.attributionWindowMs),
    alpha: plan.alpha,
    srmAlpha: plan.srmAlpha,
    expectedConversion: plan.expectedConversion,
    minimumDetectableLift: plan.minimumDetectableLift,
    ...(plan.variants.length > 1 && { variants: plan.variants.map(({ delayMs, ...variant }) => ({ ...variant, ...(delayMs !== undefined && { delay: formatDuration(delayMs) }) })) }),
  },
});

// ---------------------------------------------------------------------------------------------------
// Reading the text

type Locate = (pointer: string) => number | undefined;
type Source = { ok: true; value: unknown; locate: Locate } | { ok: false; errors: CampaignFieldError[]; locate: Locate };

const isJson = (text: string, fileName: string): boolean => {
  const extension = /\.([A-Za-z]+)$/.exec(fileName)?.[1]?.toLowerCase();
  if (extension === 'json') return true;
  if (extension === 'yaml' || extension === 'yml') return false;
  return text.trimStart().startsWith('{');
};

const readSource = (text: string, fileName: string): Source => {
  const lines = new LineCounter();
  // Parsed as YAML whatever the format: JSON is YAML, and the YAML nodes know their lines.
  const document = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: true });
  const locate = locator(document, lines);
  if (isJson(text, fileName)) {
    try {
      const value: unknown = JSON.parse(text);
      // JSON.parse keeps the last of two equal keys without a word; a typo'd copy would silently win.
      const duplicates = document.errors.filter((error) => error.code === 'DUPLICATE_KEY');
      if (duplicates.length > 0) {
        const errors = duplicates.map((error) => ({ path: '', code: 'SYNTAX' as const, message: 'has the same key twice in one object', line: error.linePos?.[0].line }));
        return { ok: false, errors, locate };
      }
      return { ok: true, value, locate };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const position = /position (\d+)/.exec(message)?.[1];
      const line = position === undefined ? undefined : lines.linePos(Number(position)).line;
      return { ok: false, errors: [{ path: '', code: 'SYNTAX', message: `is not valid JSON: ${message}`, ...(line ? { line } : {}) }], locate };
    }
  }
  if (document.errors.length > 0) {
    const errors = document.errors.map((error) => ({
      path: '',
      code: 'SYNTAX' as const,
      message: `is not valid YAML: ${error.message.split('\n')[0]!.replace(/\s+at line \d+, column \d+:?$/, '')}`,
      line: error.linePos?.[0].line,
    }));
    return { ok: false, errors, locate };
  }
  const value: unknown = document.toJS({ maxAliasCount: 100 });
  if (value === null || value === undefined) return { ok: false, errors: [{ path: '', code: 'MISSING_FIELD', message: 'is empty: a campaign file holds one object (see docs/campaigns.md)' }], locate };
  return { ok: true, value, locate };
};

/** The line of the node at a JSON pointer (or of its nearest existing parent), 1-based. */
const locator =
  (document: Document, lines: LineCounter): Locate =>
  (pointer) => {
    if (document.errors.length > 0) return undefined;
    const segments = pointer.split('/').slice(1).map(unescapePointer);
    for (let length = segments.length; length >= 0; length -= 1) {
      const path = segments.slice(0, length).map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
      const node = (length === 0 ? document.contents : document.getIn(path, true)) as { range?: [number, number, number] } | undefined;
      if (node?.range) return lines.linePos(node.range[0]).line;
    }
    return undefined;
  };

/** In file order, so the report reads top to bottom; errors without a line (the file itself) first. */
const byLine = (errors: CampaignFieldError[]): CampaignFieldError[] =>
  errors.map((error, index) => ({ error, index })).sort((a, b) => (a.error.line ?? 0) - (b.error.line ?? 0) || a.index - b.index).map(({ error }) => error);

const withLine = (error: CampaignFieldError, locate: Locate): CampaignFieldError => {
  if (error.line !== undefined || error.path === '') return error;
  const line = locate(error.path);
  return line === undefined ? error : { ...error, line };
};

// ---------------------------------------------------------------------------------------------------
// Schema errors, in words a person editing the file can act on

const schemaErrors = (errors: ErrorObject[] | null | undefined): CampaignFieldError[] => uniqueFieldErrors(errors, toFieldError);

interface SchemaNode {
  description?: string;
  'x-message'?: string;
  properties?: Record<string, SchemaNode>;
}

const toFieldError = (error: ErrorObject): CampaignFieldError | undefined => {
  const parent = (error.parentSchema ?? {}) as SchemaNode;
  const hint = parent['x-message'];
  const path = error.instancePath;
  const isDuration = error.schemaPath.startsWith('#/definitions/duration/');
  switch (error.keyword) {
    // `if` only says that `then`/`else` failed, and `propertyNames` wraps the name's own error: both repeat another.
    case 'if':
    case 'propertyNames':
      return undefined;
    case 'required': {
      const missing = String(error.params.missingProperty);
      const about = parent.properties?.[missing]?.description;
      return { path: join(path, missing), code: 'MISSING_FIELD', message: `is required${about ? ` (${about})` : ''}` };
    }
    case 'additionalProperties': {
      const unknown = String(error.params.additionalProperty);
      const allowed = Object.keys(parent.properties ?? {}).filter((name) => name !== '$schema');
      return {
        path: join(path, unknown),
        code: 'UNKNOWN_FIELD',
        message: `is not a field here${didYouMean(unknown, allowed)}; allowed: ${allowed.join(', ')}`,
      };
    }
    case 'type':
      return {
        path,
        code: isDuration ? 'INVALID_DURATION' : 'WRONG_TYPE',
        message: hint ?? `must be ${String(error.params.type).split(',').map(article).join(' or ')}`,
      };
    case 'pattern':
      if (error.propertyName !== undefined) {
        return { path: join(path, error.propertyName), code: 'INVALID_VALUE', message: 'is not a property name (letters, digits and _, starting with a letter)' };
      }
      return { path, code: isDuration ? 'INVALID_DURATION' : 'INVALID_VALUE', message: hint ?? `must match ${String(error.params.pattern)}` };
    case 'enum': {
      const allowed = (error.params.allowedValues as unknown[]).map(String);
      return { path, code: 'INVALID_VALUE', message: `must be one of: ${allowed.join(', ')}${didYouMean(String(error.data), allowed)}` };
    }
    case 'uniqueItems':
      return { path: `${path}/${String(error.params.i)}`, code: 'DUPLICATE', message: `repeats ${path}/${String(error.params.j)}` };
    case 'minProperties':
    case 'maxProperties':
      return { path, code: 'INVALID_VALUE', message: hint ?? error.message ?? 'has the wrong number of fields' };
    default:
      return { path, code: 'INVALID_VALUE', message: error.message ?? 'is not allowed' };
  }
};

const article = (type: string) => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);

/** ` (did you mean "x"?)` when a close match exists, to catch typos like `whithin`. */
const didYouMean = (given: string, candidates: readonly string[]): string => {
  const close = candidates
    .map((candidate) => ({ candidate, distance: editDistance(given.toLowerCase(), candidate.toLowerCase()) }))
    .filter(({ candidate, distance }) => distance <= Math.max(1, Math.floor(candidate.length / 4)))
    .sort((a, b) => a.distance - b.distance)[0];
  return close ? ` (did you mean "${close.candidate}"?)` : '';
};

const editDistance = (a: string, b: string): number => {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
};

const escapePointer = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');
const unescapePointer = (segment: string) => segment.replace(/~1/g, '/').replace(/~0/g, '~');
const join = (path: string, segment: string | number) => `${path}/${escapePointer(String(segment))}`;

// ---------------------------------------------------------------------------------------------------
// Rules the schema cannot express

const semanticErrors = (file: CampaignFile): CampaignFieldError[] => [
  ...triggerErrors(file.trigger),
  ...importedSegmentErrors(file),
  ...durationErrors(file),
  ...audienceErrors(file.audience, '/audience'),
  ...(file.trigger.profile ? [...audienceErrors(file.trigger.profile, '/trigger/profile'), ...segmentOnlyInAudience(file.trigger.profile, '/trigger/profile')] : []),
  ...contentErrors(file.content),
  ...rolloutErrors(file),
];

const rolloutErrors = (file: CampaignFile): CampaignFieldError[] => {
  const errors: CampaignFieldError[] = [];
  const stages = file.rollout?.stages;
  if (stages) {
    stages.forEach((stage, index) => {
      if (index > 0 && stage <= stages[index - 1]!) {
        errors.push({ path: `/rollout/stages/${index}`, code: 'INVALID_VALUE', message: `is ${stage}, not more than the stage before (${stages[index - 1]}): exposure only grows` });
      }
    });
    if (stages.at(-1) !== 100) errors.push({ path: '/rollout/stages', code: 'INVALID_VALUE', message: `must end at 100 (ends at ${stages.at(-1)}): a rollout that completes reaches everybody` });
  }
  const variants = file.experiment?.variants ?? [];
  const names = new Map<string, number>();
  // A variant's text replaces the text of whichever segment's content is chosen: check it against the poorest one.
  const poorest = {
    name: 'variant',
    title: '',
    body: '',
    recommendations: Math.min(...file.content.map((c) => c.recommendations ?? 0)),
    ...(file.content.every((c) => c.coupon !== undefined) && { coupon: 'set' }),
  };
  variants.forEach((variant, index) => {
    const first = names.get(variant.name);
    if (first !== undefined) errors.push({ path: `/experiment/variants/${index}/name`, code: 'DUPLICATE', message: `"${variant.name}" is also the name of /experiment/variants/${first}` });
    else names.set(variant.name, index);
    errors.push(...placeholderErrors({ ...poorest, ...variant, recommendations: poorest.recommendations }, `/experiment/variants/${index}`));
  });
  return errors;
};

const triggerErrors = (trigger: CampaignFile['trigger']): CampaignFieldError[] => {
  const errors: CampaignFieldError[] = [];
  const shapes = (['count', 'unless', 'after'] as const).filter((shape) => trigger[shape] !== undefined);
  if (shapes.length > 1) {
    errors.push({
      path: '/trigger',
      code: 'TRIGGER_SHAPE',
      message: `has ${shapes.join(' and ')}: a trigger takes at most one of count, unless, after (none = fire on every matching event)`,
    });
  }
  errors.push(...dateTriggerErrors(trigger));
  if (trigger.event) errors.push(...typoErrors(trigger.event, '/trigger/event/type'));
  if (trigger.unless) errors.push(...typoErrors(trigger.unless.event, '/trigger/unless/event/type'));
  if (trigger.event) errors.push(...whereErrors(trigger.event, '/trigger/event'));
  if (trigger.unless) errors.push(...whereErrors(trigger.unless.event, '/trigger/unless/event'));
  if (trigger.correlateOn !== undefined) {
    if (!trigger.unless && trigger.after === undefined) {
      errors.push({
        path: '/trigger/correlateOn',
        code: 'CORRELATE_WITHOUT_TIMER',
        message: 'keys a timer, so it needs `unless` or `after` in the trigger; remove it or add one of them',
      });
    } else {
      const patterns: [EventPattern, string][] = trigger.event ? [[trigger.event, '/trigger/event/type']] : [];
      if (trigger.unless) patterns.push([trigger.unless.event, '/trigger/unless/event/type']);
      for (const [pattern, where] of patterns) {
        const lacking = typesOf(pattern).filter((type) => !hasProperty(type, trigger.correlateOn!));
        if (lacking.length > 0) {
          errors.push({
            path: '/trigger/correlateOn',
            code: 'INVALID_VALUE',
            message: `"${trigger.correlateOn}" is not a property of ${lacking.join(', ')} events (${where}), so the timer could never be matched`,
          });
        }
      }
    }
  }
  return errors;
};

/** A trigger starts on an event, a date or a schedule, exactly one; a date or a schedule takes no other shape. */
const dateTriggerErrors = (trigger: CampaignFile['trigger']): CampaignFieldError[] => {
  const starts = (['event', 'date', 'schedule'] as const).filter((field) => trigger[field] !== undefined);
  if (starts.length === 0) return [{ path: '/trigger', code: 'TRIGGER_SHAPE', message: 'needs `event` (what starts it), `date` (a date trait and a local time) or `schedule` (a broadcast)' }];
  const alone = trigger.date ? 'date' : trigger.schedule ? 'schedule' : undefined;
  if (!alone) return [];
  const others = (['event', 'date', 'schedule', 'count', 'unless', 'after', 'correlateOn', 'profile'] as const).filter((field) => field !== alone && trigger[field] !== undefined);
  if (others.length > 0) return [{ path: '/trigger', code: 'TRIGGER_SHAPE', message: `has ${alone} and ${others.join(', ')}: a ${alone} trigger stands alone (use audience for who)` }];
  return trigger.schedule ? scheduleErrors(trigger.schedule) : [];
};

const scheduleErrors = (schedule: NonNullable<CampaignFile['trigger']['schedule']>): CampaignFieldError[] => {
  const errors: CampaignFieldError[] = [];
  if ((schedule.at === undefined) === (schedule.cron === undefined)) {
    errors.push({ path: '/trigger/schedule', code: 'TRIGGER_SHAPE', message: 'needs exactly one of `at` (once) or `cron` (recurring)' });
  }
  const cron = schedule.cron === undefined ? undefined : cronProblem(schedule.cron);
  if (cron) errors.push({ path: '/trigger/schedule/cron', code: 'INVALID_VALUE', message: cron });
  if (schedule.at !== undefined && Number.isNaN(Date.parse(`${schedule.at}:00Z`))) errors.push({ path: '/trigger/schedule/at', code: 'INVALID_VALUE', message: 'is not a date and time' });
  if (schedule.timeZone !== undefined && canonicalTimeZone(schedule.timeZone) === undefined) {
    errors.push({ path: '/trigger/schedule/timeZone', code: 'INVALID_VALUE', message: 'is not an IANA time zone this runtime knows, e.g. "Europe/London"' });
  }
  return errors;
};

/** An imported segment is a list the fan-out reads: a campaign that triggers on events cannot use one. */
const importedSegmentErrors = (file: CampaignFile): CampaignFieldError[] =>
  file.audience?.importedSegment !== undefined && !file.trigger.schedule
    ? [{ path: '/audience/importedSegment', code: 'INVALID_VALUE', message: 'is for broadcasts (trigger.schedule) only: the fan-out reads the list, the event triggers cannot' }]
    : [];

/**
 * Every `where` name must be a property of every type in the pattern, or the condition could never hold
 * (its first part, for a dotted name: `custom.color`, `traits.plan`). An unregistered custom event's
 * properties are free-form: any name may be there.
 */
const whereErrors = (pattern: EventPattern, at: string): CampaignFieldError[] =>
  Object.keys(pattern.where ?? {}).flatMap((name) => {
    const lacking = typesOf(pattern).filter((type) => !hasProperty(type, name.split('.')[0]!));
    if (lacking.length === 0) return [];
    const known = [...new Set(typesOf(pattern).flatMap((type) => eventPropertiesOf(type) ?? []))];
    return [
      {
        path: join(`${at}/where`, name),
        code: 'UNKNOWN_FIELD' as const,
        message: `is not a property of ${lacking.join(', ')} events${didYouMean(name, known)}; they have: ${known.join(', ') || 'no properties'}`,
      },
    ];
  });

/** The known types: the standard ones and the registered custom events. */
const KNOWN_EVENT_TYPES: readonly string[] = [...EVENT_TYPES, ...Object.keys(REGISTERED_CUSTOM_EVENT_SCHEMAS)];

/** A custom name within two edits of a known type is taken for a typo of it (`purchse`), not a new event. */
const typoErrors = (pattern: EventPattern, at: string): CampaignFieldError[] =>
  typesOf(pattern).flatMap((type, index) => {
    if (KNOWN_EVENT_TYPES.includes(type)) return [];
    const near = KNOWN_EVENT_TYPES.find((known) => editDistance(type, known) <= 2);
    const path = Array.isArray(pattern.type) ? `${at}/${index}` : at;
    return near ? [{ path, code: 'INVALID_VALUE' as const, message: `is not a known event type (did you mean "${near}"?); a custom event's name must not be this close to a known one` }] : [];
  });

const typesOf = (pattern: EventPattern): string[] => (Array.isArray(pattern.type) ? pattern.type : [pattern.type]);

/**
 * The names under `properties` in an event type's schema (events/schemas/events/<type>.schema.json, or a
 * registered custom event's); undefined for an unregistered custom event, whose properties are free-form.
 */
const eventPropertiesOf = (type: string): string[] | undefined => {
  const schema = (isStandardEventType(type) ? EVENT_SCHEMAS[type] : REGISTERED_CUSTOM_EVENT_SCHEMAS[type]) as { properties?: { properties?: { properties?: Record<string, unknown> } } } | undefined;
  return schema && Object.keys(schema.properties?.properties?.properties ?? {});
};

const hasProperty = (type: string, name: string): boolean => eventPropertiesOf(type)?.includes(name) ?? true;

const durationErrors = (file: CampaignFile): CampaignFieldError[] => {
  const durations: [keyof typeof DURATION_LIMITS_MS, string | undefined][] = [
    ['/trigger/count/within', file.trigger.count?.within],
    ['/trigger/unless/within', file.trigger.unless?.within],
    ['/trigger/after', file.trigger.after],
    ['/caps/oncePer', file.caps.oncePer],
    ['/rollout/bake', file.rollout?.bake],
    ['/experiment/attributionWindow', file.experiment?.attributionWindow],
    ['/attributionWindow', file.attributionWindow],
    ['/inApp/expiresAfter', file.inApp?.expiresAfter],
  ];
  const variantDelays = (file.experiment?.variants ?? []).flatMap((variant, index): CampaignFieldError[] => {
    if (variant.delay === undefined) return [];
    const delay = parseDuration(variant.delay);
    return delay === undefined || delay > 7 * DAY_MS ? [{ path: `/experiment/variants/${index}/delay`, code: 'INVALID_DURATION', message: `must be at most 7d (is ${variant.delay})` }] : [];
  });
  return [
    ...variantDelays,
    ...durations.flatMap(([path, text]): CampaignFieldError[] => {
      if (text === undefined) return [];
      const ms = parseDuration(text);
      const limit = DURATION_LIMITS_MS[path];
      if (ms === undefined || ms > limit) return [{ path, code: 'INVALID_DURATION', message: `must be at most ${formatDuration(limit)} (is ${text})` }];
      if (ms === 0) return [{ path, code: 'INVALID_DURATION', message: 'must be longer than 0' }];
      return [];
    }),
  ];
};

const audienceErrors = (audience: Audience | undefined, at: string): CampaignFieldError[] =>
  (audience?.tagsNone ?? []).flatMap((tag, index) =>
    [...(audience?.tagsAll ?? [])].includes(tag)
      ? [{ path: `${at}/tagsNone/${index}`, code: 'INVALID_VALUE' as const, message: `"${tag}" is also in tagsAll, so nobody could match` }]
      : [],
  );

/** Saved segments are resolved into the campaign's `audience` only; anywhere else one would match nobody. */
const segmentOnlyInAudience = (audience: Audience | undefined, at: string): CampaignFieldError[] =>
  audience?.segment === undefined ? [] : [{ path: `${at}/segment`, code: 'INVALID_VALUE', message: 'a saved segment can only be the campaign\'s audience (/audience/segment)' }];

const contentErrors = (content: CampaignFile['content']): CampaignFieldError[] => {
  const errors: CampaignFieldError[] = [];
  const defaults = content.flatMap((variant, index) => (variant.when === undefined ? [index] : []));
  const last = content.length - 1;
  if (defaults.length === 0) {
    errors.push({
      path: '/content',
      code: 'DEFAULT_CONTENT',
      message: 'needs a default variant (one without `when`) as its last entry, for users no other variant matches',
    });
  }
  for (const index of defaults.slice(1)) {
    errors.push({
      path: `/content/${index}`,
      code: 'DEFAULT_CONTENT',
      message: `is a second default variant (no \`when\`; the first is /content/${defaults[0]}): give it a \`when\` or remove it`,
    });
  }
  if (defaults.length === 1 && defaults[0] !== last) {
    errors.push({
      path: `/content/${defaults[0]}`,
      code: 'DEFAULT_CONTENT',
      message: `is the default variant (no \`when\`) and must come last: the variants after it (up to /content/${last}) could never be chosen`,
    });
  }
  const names = new Map<string, number>();
  content.forEach((variant, index) => {
    const path = `/content/${index}`;
    const first = names.get(variant.name);
    if (first !== undefined) errors.push({ path: `${path}/name`, code: 'DUPLICATE', message: `"${variant.name}" is also the name of /content/${first}` });
    else names.set(variant.name, index);
    if (variant.when !== undefined && Object.keys(variant.when).length === 0) {
      errors.push({ path: `${path}/when`, code: 'DEFAULT_CONTENT', message: 'is empty, so it matches everybody: leave `when` out on the default variant instead' });
    }
    errors.push(...audienceErrors(variant.when, `${path}/when`), ...segmentOnlyInAudience(variant.when, `${path}/when`));
    errors.push(...placeholderErrors(variant, path));
  });
  return errors;
};

const TEXT_FIELDS = ['title', 'body', 'sms', 'deepLink'] as const;

const placeholderErrors = (variant: CampaignFile['content'][number], at: string): CampaignFieldError[] =>
  TEXT_FIELDS.flatMap((field) =>
    placeholdersIn(variant[field] ?? '').flatMap((name): CampaignFieldError[] => {
      const path = `${at}/${field}`;
      const product = PRODUCT_PLACEHOLDER.exec(name);
      if (product) {
        const wanted = Number(product[1]);
        const available = variant.recommendations ?? 0;
        return wanted <= available
          ? []
          : [{ path, code: 'INVALID_VALUE', message: `uses {{${name}}} but the variant asks for ${available} recommendations: set recommendations to at least ${wanted}` }];
      }
      if (name === 'coupon' && variant.coupon === undefined) {
        return [{ path, code: 'MISSING_FIELD', message: 'uses {{coupon}} but the variant has no `coupon`: add the coupon code' }];
      }
      if (Object.hasOwn(CAMPAIGN_PLACEHOLDERS, name) || DYNAMIC_PLACEHOLDER.test(name)) return [];
      const known = [...Object.keys(CAMPAIGN_PLACEHOLDERS), 'product1'];
      return [
        {
          path,
          code: 'UNKNOWN_PLACEHOLDER',
          message: `has an unknown placeholder {{${name}}}${didYouMean(name, known)}; known: {{coupon}}, {{productId}}, {{firstName}}, {{product1}}…{{product<N>}}, {{event.<property>}}, {{trait.<name>}}`,
        },
      ];
    }),
  );

// ---------------------------------------------------------------------------------------------------
// File → Campaign

const ms = (text: string): number => parseDuration(text)!;

const toCampaign = (file: CampaignFile): Campaign => {
  const { count, unless, after, ...trigger } = file.trigger;
  return {
    id: file.id,
    name: file.name,
    ...(file.description !== undefined ? { description: file.description } : {}),
    category: file.category ?? 'marketing',
    trigger: {
      ...trigger,
      ...(count ? { count: { atLeast: count.atLeast, withinMs: ms(count.within) } } : {}),
      ...(unless ? { unless: { event: unless.event, withinMs: ms(unless.within) } } : {}),
      ...(after !== undefined ? { afterMs: ms(after) } : {}),
    },
    audience: file.audience ?? {},
    content: file.content.map((variant) => ({ ...variant, recommendations: variant.recommendations ?? 0 })),
    channels: file.channels,
    caps: { oncePerMs: ms(file.caps.oncePer) },
    ...((file.inApp !== undefined || file.channels.includes('in-app')) && { inApp: toInApp(file.inApp) }),
    ...(file.attributionWindow !== undefined && { attributionWindowMs: ms(file.attributionWindow) }),
    ...(file.goals && { goals: file.goals }),
    ...((file.rollout !== undefined || file.experiment !== undefined) && { rollout: toRolloutPlan(file) }),
  };
};

const toInApp = ({ expiresAfter, ...settings }: NonNullable<CampaignFile['inApp']> = {}): InAppSettings => ({
  ...DEFAULT_IN_APP,
  ...settings,
  ...(expiresAfter !== undefined && { expiresAfterMs: ms(expiresAfter) }),
});

const toInAppFile = ({ expiresAfterMs, ...settings }: InAppSettings): NonNullable<CampaignFile['inApp']> => ({ ...settings, expiresAfter: formatDuration(expiresAfterMs) });

/** `rollout` and `experiment` with the defaults filled in; an experiment alone runs at 100% (an A/B test with control). */
const toRolloutPlan = (file: CampaignFile): RolloutPlan => {
  const { rollout = {}, experiment = {} } = file;
  return {
  stages: rollout.stages ?? (file.rollout ? DEFAULT_ROLLOUT.stages : [100]),
  bakeMs: rollout.bake ? ms(rollout.bake) : DEFAULT_ROLLOUT.bakeMs,
  controlShare: rollout.controlShare ?? DEFAULT_ROLLOUT.controlShare,
  minimumPerArm: rollout.minimumPerArm ?? DEFAULT_ROLLOUT.minimumPerArm,
  guardrail: { ...DEFAULT_ROLLOUT.guardrail, ...rollout.guardrail },
  attributionWindowMs: ms(experiment.attributionWindow ?? file.attributionWindow ?? formatDuration(DEFAULT_ROLLOUT.attributionWindowMs)),
  alpha: experiment.alpha ?? DEFAULT_ROLLOUT.alpha,
  srmAlpha: experiment.srmAlpha ?? DEFAULT_ROLLOUT.srmAlpha,
  expectedConversion: experiment.expectedConversion ?? DEFAULT_ROLLOUT.expectedConversion,
  minimumDetectableLift: experiment.minimumDetectableLift ?? DEFAULT_ROLLOUT.minimumDetectableLift,
  variants: experiment.variants?.map(({ delay, ...variant }) => ({ ...variant, weight: variant.weight ?? 1, ...(delay !== undefined && { delayMs: ms(delay) }) })) ?? [{ name: 'default', weight: 1 }],
  };
};
