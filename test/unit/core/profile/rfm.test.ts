import { rfmBreakpoints, rfmSegment, scoreRfm, type RfmInputs, type Score } from '../../../../layers/core/profile/rfm';

describe('RFM', () => {
  const at = new Date('2026-11-22T00:00:00Z');
  const population: RfmInputs[] = Array.from({ length: 10 }, (_, i) => ({
    userId: `c${i + 1}`,
    recencyDays: (i + 1) * 10,
    frequency: i + 1,
    monetary: (i + 1) * 100,
  }));

  it('cuts each measure at its quintiles', () => {
    // Act
    const breakpoints = rfmBreakpoints(population);

    // Assess: linear interpolation between order statistics (R type 7, as numpy and pandas do).
    [2.8, 4.6, 6.4, 8.2].forEach((cut, i) => expect(breakpoints.frequency[i]).toBeCloseTo(cut, 9));
    [28, 46, 64, 82].forEach((cut, i) => expect(breakpoints.recencyDays[i]).toBeCloseTo(cut, 9));
  });

  it('scores more recent, more frequent, bigger spenders higher', () => {
    // Prepare
    const breakpoints = rfmBreakpoints(population);

    // Act
    const scores = population.map((c) => scoreRfm(c, breakpoints, at)).map(({ r, f, m }) => `${r}${f}${m}`);

    // Assess
    expect(scores).toEqual(['511', '511', '422', '422', '333', '333', '244', '244', '155', '155']);
  });

  it.each<[Score, Score, Score, string]>([
    [5, 1, 1, 'new-customers'],
    [4, 1, 3, 'promising'],
    [5, 5, 5, 'champions'],
    [4, 3, 2, 'potential-loyalists'],
    [3, 5, 1, 'loyal'],
    [3, 2, 2, 'need-attention'],
    [1, 5, 5, 'cannot-lose-them'],
    [2, 3, 1, 'at-risk'],
    [2, 2, 2, 'hibernating'],
    [1, 1, 1, 'lost'],
  ])('R%i F%i M%i is %s', (r, f, m, segment) => {
    expect(rfmSegment(r, f, m)).toBe(segment);
  });

  it('gives every one of the 125 score combinations a segment', () => {
    const all = [1, 2, 3, 4, 5].flatMap((r) => [1, 2, 3, 4, 5].flatMap((f) => [1, 2, 3, 4, 5].map((m) => rfmSegment(r as Score, f as Score, m as Score))));
    expect(all.every(Boolean)).toBe(true);
  });
});
