import { EVENT_TYPES } from '../../../../layers/core/contract/pipeline-event';
import { CAMPAIGN_SCHEMA } from '../../../../layers/core/campaigns/parse-campaign';
import type { LifecycleStage } from '../../../../layers/core/profile/lifecycle';
import { RFM_SEGMENT_RULES } from '../../../../layers/core/profile/rfm';
import { behaviourTags, valueTags } from '../../../../layers/core/profile/tags';
import { profileFactory } from '../../../helpers/factories';

/** Every node of the schema that declares properties, with its pointer. */
const objectNodes = (node: unknown, at = ''): [string, Record<string, unknown>][] => {
  if (!node || typeof node !== 'object') return [];
  const entries = Object.entries(node as Record<string, unknown>);
  const own: [string, Record<string, unknown>][] = 'properties' in (node as object) ? [[at, node as Record<string, unknown>]] : [];
  return [...own, ...entries.flatMap(([key, child]) => objectNodes(child, `${at}/${key}`))];
};

const definitions = CAMPAIGN_SCHEMA.definitions as Record<string, { enum?: string[]; pattern?: string; properties?: Record<string, { items?: { enum?: string[] } }> }>;

describe('events/schemas/campaign.schema.json', () => {
  it('takes the event types of the event contract and custom names by one rule', () => {
    // Assess
    const rule = new RegExp(definitions.eventType!.pattern!);
    expect(EVENT_TYPES.every((type) => rule.test(type))).toBe(true);
    expect(['wishlist_add', 'search'].every((type) => rule.test(type))).toBe(true);
    expect(['Teleport', 'a', 'x-y'].some((type) => rule.test(type))).toBe(false);
  });

  it('lists exactly the lifecycle stages and RFM segments of the profile', () => {
    // Prepare: a Record over the type fails to compile when a stage is added to lifecycle.ts and not here
    const stages: Record<LifecycleStage, true> = { new: true, growth: true, stable: true, 'churn-risk': true };

    // Assess
    expect(definitions.audience!.properties!.lifecycleStages!.items!.enum).toEqual(Object.keys(stages));
    expect(definitions.audience!.properties!.rfmSegments!.items!.enum).toEqual(RFM_SEGMENT_RULES.map((rule) => rule.segment));
  });

  it('accepts every tag the profile can carry', () => {
    // Prepare: a profile with every behaviour and value tag
    const profile = profileFactory({
      hoursUtc: Array.from({ length: 24 }, (_, hour) => (hour === 23 ? 10 : 0)),
      platforms: { ios: 10 },
      categoryScores: { 'home & garden': 9 },
      counters: { purchase: 3 },
      rfm: { r: 5, f: 5, m: 5, segment: 'champions', recencyDays: 1, frequency: 3, monetary: 900, at: '2026-11-22T00:00:00.000Z' },
    });
    const tags = [...behaviourTags(profile, new Date('2026-11-22T12:00:00Z')), ...valueTags(profile), 'never-purchased'];
    const pattern = new RegExp(definitions.tag!.pattern!);

    // Assess
    expect(tags).toEqual(expect.arrayContaining(['night-active', 'mobile-active', 'interest:home & garden', 'repeat-buyer', 'high-spender']));
    expect(tags.filter((tag) => !pattern.test(tag))).toEqual([]);
  });

  it('describes every field, and refuses unknown fields in every object it defines', () => {
    // Act
    const nodes = objectNodes(CAMPAIGN_SCHEMA).filter(([pointer]) => !pointer.includes('/properties/rollout') && !pointer.includes('/properties/experiment'));
    const undescribed = nodes.flatMap(([pointer, node]) =>
      Object.entries(node.properties as Record<string, { description?: string; $ref?: string }>)
        .filter(([, field]) => !field.description && !field.$ref)
        .map(([name]) => `${pointer}/properties/${name}`),
    );
    const open = nodes.filter(([, node]) => node.additionalProperties !== false).map(([pointer]) => pointer);

    // Assess
    expect(undescribed).toEqual([]);
    expect(open).toEqual([]);
  });
});
