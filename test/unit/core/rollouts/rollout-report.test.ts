import type { RolloutPlan } from '../../../../layers/core/campaigns/campaign';
import { DEFAULT_ROLLOUT } from '../../../../layers/core/campaigns/parse-campaign';
import { evaluateStage } from '../../../../layers/core/rollouts/evaluate-stage';
import { renderRolloutReport } from '../../../../layers/core/rollouts/rollout-report';
import type { RolloutState } from '../../../../layers/core/rollouts/rollout-state';

const plan: RolloutPlan = { ...DEFAULT_ROLLOUT, variants: [{ name: 'plain', weight: 1 }, { name: 'urgent', weight: 1 }] };
const look = (stageIndex: number, scale: number) =>
  evaluateStage({
    plan,
    stages: plan.stages,
    stageIndex,
    counts: {
      control: { exposed: 6000 * scale, converted: 900 * scale, clicked: 0 },
      variants: { plain: { exposed: 3000 * scale, converted: 450 * scale, clicked: 300 * scale }, urgent: { exposed: 3000 * scale, converted: 540 * scale, clicked: 420 * scale } },
    },
    pValues: {},
    extensions: 0,
    paused: false,
    abortRequested: false,
    now: new Date('2026-11-24T10:00:00Z'),
  });

describe('renderRolloutReport', () => {
  it('draws both arms per look, the guardrail, a row per look and the A/B comparison, escaping what it quotes', () => {
    // Prepare
    const { pValues: _p1, ...first } = look(0, 1);
    const { pValues: _p2, ...second } = look(1, 5);
    const state: RolloutState = {
      campaignId: 'c1',
      runId: 'run-1',
      status: 'completed',
      stageIndex: 3,
      exposurePercent: 100,
      stages: plan.stages,
      startedAt: '2026-11-20T10:00:00Z',
      updatedAt: '2026-11-24T10:00:00Z',
      extensions: 0,
      pValues: {},
      looks: [first, second],
      reason: 'last stage passed <ok>',
      version: 9,
    };

    // Act
    const html = renderRolloutReport({ state, campaignName: 'Free <delivery> & more' });

    // Assess
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('Free &lt;delivery&gt; &amp; more');
    expect(html).toContain('last stage passed &lt;ok&gt;');
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html.match(/<tr><td>\d+<\/td>/g)).toHaveLength(2);
    expect(html).toContain('A/B variants (last look)');
    expect(html).toContain('<td>urgent</td>');
    expect(html).not.toContain('<script');
  });

  it('says so when nothing was evaluated yet', () => {
    const html = renderRolloutReport({
      state: { campaignId: 'c1', runId: 'r', status: 'running', stageIndex: 0, exposurePercent: 5, stages: [5, 100], startedAt: 'x', updatedAt: 'x', extensions: 0, pValues: {}, looks: [], version: 1 },
      campaignName: 'c1',
    });
    expect(html).toContain('No evaluation yet.');
  });
});
