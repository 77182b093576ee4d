import { fixedHorizonSampleSize, guardrailSprt, mixtureSprt, sampleRatioMismatch, twoProportionZTest, wilsonInterval } from '../../../../layers/core/rollouts/sequential-tests';

const arm = (exposed: number, converted: number) => ({ exposed, converted, clicked: 0 });

describe('mixtureSprt', () => {
  it('matches the closed form of the mixture likelihood ratio', () => {
    // Prepare: 1,000 per arm, 15% vs 19%
    const control = arm(1000, 150);
    const treatment = arm(1000, 190);
    const tau = 0.0375;

    // Act
    const test = mixtureSprt({ control, treatment, tau, alpha: 0.05 });

    // Assess: Λ = √(V/(V+τ²))·exp(τ²d²/(2V(V+τ²))) with V pooled
    const p = 340 / 2000;
    const v = (2 * p * (1 - p)) / 1000;
    const d = 0.04;
    const lambda = Math.sqrt(v / (v + tau * tau)) * Math.exp((tau * tau * d * d) / (2 * v * (v + tau * tau)));
    expect(test.pValue).toBeCloseTo(Math.min(1, 1 / lambda), 10);
    expect(test.difference).toBeCloseTo(0.04, 10);
    expect(test.relativeLift).toBeCloseTo(0.04 / 0.15, 10);
    expect(test.significant).toBe(test.pValue <= 0.05);
    expect(test.interval[0]).toBeLessThan(0.04);
    expect(test.interval[1]).toBeGreaterThan(0.04);
  });

  it('never lets the always-valid p-value rise above an earlier look', () => {
    // Act
    const later = mixtureSprt({ control: arm(2000, 300), treatment: arm(2000, 300), tau: 0.0375, alpha: 0.05, previousPValue: 0.2 });

    // Assess
    expect(later.pValue).toBe(0.2);
  });

  it('is more demanding than a single z-test at the same data (the price of looking often)', () => {
    // Prepare: a difference a one-off z-test calls significant
    const control = arm(1500, 225);
    const treatment = arm(1500, 270);

    // Act
    const naive = twoProportionZTest(control, treatment);
    const sequential = mixtureSprt({ control, treatment, tau: 0.0375, alpha: 0.05 });

    // Assess
    expect(naive.pValue).toBeLessThan(0.05);
    expect(sequential.pValue).toBeGreaterThan(naive.pValue);
  });
});

describe('guardrailSprt', () => {
  it('crosses on a 20% drop with enough users and not on equal conversion', () => {
    // Act
    const drop = guardrailSprt({ control: arm(6000, 900), treatment: arm(6000, 720), relativeDrop: 0.2, alpha: 0.025 });
    const none = guardrailSprt({ control: arm(6000, 900), treatment: arm(6000, 900), relativeDrop: 0.2, alpha: 0.025 });

    // Assess
    expect(drop.crossed).toBe(true);
    expect(drop.observedDrop).toBeCloseTo(0.2, 10);
    expect(drop.logLikelihoodRatio).toBeGreaterThanOrEqual(Math.log(40));
    expect(none.crossed).toBe(false);
    expect(none.logLikelihoodRatio).toBeLessThan(0);
  });

  it('puts its boundary where the log likelihood ratio meets the threshold', () => {
    // Act
    const test = guardrailSprt({ control: arm(1000, 150), treatment: arm(1000, 140), relativeDrop: 0.2, alpha: 0.025 });

    // Assess: at the boundary difference, (θ₁d − θ₁²/2)/V = ln(1/α)
    const p = 290 / 2000;
    const v = (2 * p * (1 - p)) / 1000;
    const theta1 = -0.2 * 0.15;
    expect((theta1 * test.boundary - (theta1 * theta1) / 2) / v).toBeCloseTo(Math.log(40), 8);
  });
});

describe('sampleRatioMismatch', () => {
  it('flags 1,500 vs 1,000 on a 50/50 split and passes 1,010 vs 990', () => {
    expect(sampleRatioMismatch([1500, 1000], [0.5, 0.5], 0.001)).toMatchObject({ mismatch: true, degreesOfFreedom: 1, statistic: 100 });
    const fine = sampleRatioMismatch([1010, 990], [0.5, 0.5], 0.001);
    expect(fine.mismatch).toBe(false);
    expect(fine.pValue).toBeCloseTo(0.6547, 3);
  });

  it('uses k − 1 degrees of freedom over control and variants', () => {
    expect(sampleRatioMismatch([500, 250, 250], [0.5, 0.25, 0.25], 0.001)).toMatchObject({ degreesOfFreedom: 2, pValue: 1, mismatch: false });
  });
});

describe('fixed-horizon sizing and intervals', () => {
  it('needs about 1,565 users per arm for 15% → 18.75% at α 0.05 and 80% power', () => {
    expect(fixedHorizonSampleSize(0.15, 0.1875, 0.05, 0.8)).toBe(1565);
  });

  it('gives the Wilson interval of a proportion', () => {
    const [lo, hi] = wilsonInterval(arm(100, 20));
    expect(lo).toBeCloseTo(0.1333, 3);
    expect(hi).toBeCloseTo(0.2888, 3);
  });
});
