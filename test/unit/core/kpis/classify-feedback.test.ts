import {
  classifyFeedback,
  classifyText,
  EXAMPLE_MAX_CHARS,
  languageOf,
  STRONG_TEXT_SCORE,
  summarizeFeedback,
  type FeedbackItem,
} from '../../../../layers/core/kpis/classify-feedback';

describe('classifyText', () => {
  it.each([
    ['Great service, fast delivery, love it!', 'positive'],
    ['Perfect fit, I would recommend it to a friend', 'positive'],
    ['Terrible, the parcel arrived broken and support never answered.', 'negative'],
    ['Worst app ever, it crashes every time', 'negative'],
    ['not good', 'negative'],
    ['The package arrived on Tuesday.', 'neutral'],
  ] as const)('reads the English %j as %s', (text, sentiment) => {
    expect(classifyText(text)).toEqual({ sentiment, score: expect.any(Number), language: 'en' });
  });

  it.each([
    ['服务很好，发货很快，非常满意！', 'positive'],
    ['好评！会回购的', 'positive'],
    ['没有问题', 'positive'],
    ['太差了，包裹破损，客服也不回复。', 'negative'],
    ['不是很好', 'negative'],
    ['强烈不推荐，再也不买了', 'negative'],
    ['App经常闪退', 'negative'],
    ['包裹周二到了。', 'neutral'],
  ] as const)('reads the Chinese %j as %s', (text, sentiment) => {
    expect(classifyText(text)).toEqual({ sentiment, score: expect.any(Number), language: 'zh' });
  });

  it('turns a Chinese word round after a negator, also across a degree word', () => {
    // Act
    const satisfied = classifyText('满意')!.score;

    // Assess
    expect(classifyText('不满意')!.score).toBe(-satisfied);
    expect(classifyText('不太满意')!.score).toBe(-satisfied);
    expect(classifyText('会回购')!.score).toBe(-classifyText('不会回购')!.score);
  });

  it('scores only the emoji of a text in another language', () => {
    expect(classifyText("C'est nul, je suis déçu")).toEqual({ sentiment: 'neutral', score: 0, language: 'other' });
    expect(classifyText('Доставка ужасная 😡')).toEqual({ sentiment: 'negative', score: expect.any(Number), language: 'other' });
    expect(classifyText('👍')).toEqual({ sentiment: 'positive', score: expect.any(Number), language: 'other' });
  });

  it('has nothing to say about blanks', () => {
    expect(classifyText('  \n ')).toBeUndefined();
  });
});

describe('languageOf', () => {
  it.each([
    ['Terrible!', 'en'],
    ['it was ok', 'en'],
    ['I bought a 小米 phone and it broke', 'en'],
    ['App很好用', 'zh'],
    ['包裹周二到了', 'zh'],
    ['とても良いです', 'other'],
    ['배송이 빨라요', 'other'],
    ['Muy lento el envío', 'other'],
    ['12345', 'other'],
  ] as const)('takes %j for %s', (text, language) => {
    expect(languageOf(text)).toBe(language);
  });
});

describe('classifyFeedback', () => {
  it.each([
    [1, 'negative'],
    [2, 'negative'],
    [3, 'neutral'],
    [4, 'positive'],
    [5, 'positive'],
  ] as const)('goes by the rating alone without text: %i is %s', (rating, sentiment) => {
    expect(classifyFeedback({ rating })).toEqual({ sentiment, byRating: sentiment });
  });

  it('breaks a 3 with the way the text leans, in either language', () => {
    expect(classifyFeedback({ rating: 3, text: 'damaged box, delivery was late again' }).sentiment).toBe('negative');
    expect(classifyFeedback({ rating: 3, text: '还可以，挺好的' }).sentiment).toBe('positive');
    expect(classifyFeedback({ rating: 3, text: 'It came on Monday' }).sentiment).toBe('neutral');
  });

  it('lets a strongly opposite text override the rating', () => {
    // Act
    const complaint = classifyFeedback({ rating: 5, text: 'Terrible, worst delivery ever' });
    const misTapped = classifyFeedback({ rating: 1, text: '非常好用，很满意！' });

    // Assess
    expect(complaint).toEqual({ sentiment: 'negative', byRating: 'positive', byText: { sentiment: 'negative', score: expect.any(Number), language: 'en' } });
    expect(complaint.byText!.score).toBeLessThanOrEqual(-STRONG_TEXT_SCORE);
    expect(misTapped).toMatchObject({ sentiment: 'positive', byRating: 'negative', byText: { sentiment: 'positive', language: 'zh' } });
  });

  it('keeps the rating when the text disagrees only mildly', () => {
    // Act
    const mild = classifyFeedback({ rating: 1, text: 'It is fine' });

    // Assess
    expect(Math.abs(mild.byText!.score)).toBeLessThan(STRONG_TEXT_SCORE);
    expect(mild).toMatchObject({ sentiment: 'negative', byText: { sentiment: 'positive' } });
    expect(classifyFeedback({ rating: 4, text: '一般般' })).toMatchObject({ sentiment: 'positive', byText: { sentiment: 'negative' } });
  });

  it('keeps the rating when praise and complaint cancel out, or the language is not read', () => {
    expect(classifyFeedback({ rating: 2, text: 'Great product but the delivery was terrible' }).sentiment).toBe('negative');
    expect(classifyFeedback({ rating: 5, text: 'Sehr schlecht verpackt' })).toMatchObject({ sentiment: 'positive', byText: { language: 'other' } });
  });
});

describe('summarizeFeedback', () => {
  const item = (overrides: Partial<FeedbackItem>): FeedbackItem => ({ rating: 5, placement: 'order-confirmation', at: '2026-11-22T10:00:00.000Z', ...overrides });

  it('counts by sentiment and by placement, text or not', () => {
    // Prepare
    const items = [
      item({ rating: 5 }),
      item({ rating: 1, placement: 'push', text: '太差了' }),
      item({ rating: 3, placement: 'push' }),
      item({ rating: 5, placement: 'app-store-prompt', text: 'Terrible, worst delivery ever' }),
    ];

    // Act
    const summary = summarizeFeedback(items);

    // Assess
    expect(summary.total).toBe(4);
    expect(summary.bySentiment).toEqual({ positive: 1, neutral: 1, negative: 2 });
    expect(summary.byPlacement).toEqual({
      'order-confirmation': { total: 1, positive: 1, neutral: 0, negative: 0 },
      push: { total: 2, positive: 0, neutral: 1, negative: 1 },
      'app-store-prompt': { total: 1, positive: 0, neutral: 0, negative: 1 },
    });
    expect(summary.examples.negative.map((example) => example.text)).toEqual(['太差了', 'Terrible, worst delivery ever']);
    expect(summary.examples.positive).toEqual([]);
  });

  it('shows at most maxExamples texts per sentiment, newest first', () => {
    // Prepare
    const items = ['08', '11', '09', '10'].map((hour) => item({ text: `Love it (${hour})`, at: `2026-11-22T${hour}:00:00.000Z` }));

    // Act
    const summary = summarizeFeedback(items, 2);

    // Assess
    expect(summary.examples.positive).toEqual([
      { rating: 5, placement: 'order-confirmation', at: '2026-11-22T11:00:00.000Z', text: 'Love it (11)' },
      { rating: 5, placement: 'order-confirmation', at: '2026-11-22T10:00:00.000Z', text: 'Love it (10)' },
    ]);
    expect(summarizeFeedback(items).examples.positive).toHaveLength(3);
  });

  it('cuts long texts to 140 characters without splitting a character', () => {
    // Prepare
    const long = `${'非常满意'.repeat(50)}😀`;
    const short = 'Great, thanks';

    // Act
    const { examples } = summarizeFeedback([item({ text: long }), item({ text: short, at: '2026-11-21T10:00:00.000Z' })]);

    // Assess
    const cut = examples.positive[0]!.text;
    expect(Array.from(cut)).toHaveLength(EXAMPLE_MAX_CHARS);
    expect(cut.endsWith('…')).toBe(true);
    expect(long.startsWith(cut.slice(0, -1))).toBe(true);
    expect(examples.positive[1]!.text).toBe(short);
  });

  it('summarizes nothing as zeros', () => {
    expect(summarizeFeedback([])).toEqual({
      total: 0,
      bySentiment: { positive: 0, neutral: 0, negative: 0 },
      byPlacement: {},
      examples: { positive: [], neutral: [], negative: [] },
    });
  });
});
