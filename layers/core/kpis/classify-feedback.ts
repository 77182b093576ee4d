import SentimentAnalyzer from 'sentiment';
import { segmentChinese, ZH_LABELS, zhScoringStrategy } from './zh-sentiment-language';

export type FeedbackSentiment = 'positive' | 'neutral' | 'negative';
export type FeedbackLanguage = 'en' | 'zh' | 'other';

/** What the words say, on the `sentiment` library's AFINN scale: the sum of the scores of the words found. */
export interface TextSentiment {
  sentiment: FeedbackSentiment;
  /** Net score of the words found (AFINN −5…+5 per word, negation applied); 0 when none was found. */
  score: number;
  /** `other`: neither English nor Chinese; only its emoji are scored. */
  language: FeedbackLanguage;
}

export interface FeedbackClassification {
  /** The verdict: the rating, with the text breaking a 3 or overriding a rating it strongly contradicts. */
  sentiment: FeedbackSentiment;
  byRating: FeedbackSentiment;
  /** Absent when there is no text (or only blanks). */
  byText?: TextSentiment;
}

/**
 * How far the text must lean the other way to override the rating: a net score of 3, i.e. one strongly
 * valenced word (AFINN ±3: great, love, terrible, worst; 很好, 糟糕), or two milder ones pointing the same
 * way, after the opposite words are taken off. One mild word ("fine", 一般) does not turn a rating round.
 */
export const STRONG_TEXT_SCORE = 3;

/** Longest example text the summary shows, in characters (code points), ellipsis included. */
export const EXAMPLE_MAX_CHARS = 140;

const analyzer = new SentimentAnalyzer();
// The library adds its emoji labels to the object it is given: hand it a copy.
analyzer.registerLanguage('zh', { labels: { ...ZH_LABELS }, scoringStrategy: zhScoringStrategy });

/** 4–5 positive, 3 neutral, 1–2 negative. */
export const sentimentOfRating = (rating: number): FeedbackSentiment => (rating >= 4 ? 'positive' : rating <= 2 ? 'negative' : 'neutral');

/**
 * Classifies one piece of feedback. The rule, and why:
 * - **The rating first.** 4–5 positive, 3 neutral, 1–2 negative: the user chose it, and it is never missing.
 * - **A 3 is broken by the text.** A 3 says "neither"; words that lean one way (any non-zero net score)
 *   say which, so "3 – damaged box, delivery was late again" counts as negative.
 * - **Strongly opposite text overrides.** A 5 beside "terrible, the box arrived broken" is a complaint the
 *   daily review must show, and a 1 beside "love it, great app" is most often a mis-tapped or misread
 *   scale (in some places 1 means first). Words are the more specific statement, but a lexicon scorer is
 *   noisy (sarcasm, mixed texts, negation further back than one word), so only a net score of at least
 *   {@link STRONG_TEXT_SCORE} against the rating overrides it; milder disagreement keeps the rating.
 * - **No usable text, no change.** No text, or a text with no scored word (net 0, which includes mixed
 *   texts whose praise and complaint cancel out, and a language other than English or Chinese without
 *   emoji): the rating decides.
 */
export const classifyFeedback = ({ rating, text }: { rating: number; text?: string }): FeedbackClassification => {
  const byRating = sentimentOfRating(rating);
  const byText = text === undefined ? undefined : classifyText(text);
  return { sentiment: combine(byRating, byText), byRating, ...(byText ? { byText } : {}) };
};

const combine = (byRating: FeedbackSentiment, byText: TextSentiment | undefined): FeedbackSentiment => {
  if (!byText || byText.sentiment === 'neutral' || byText.sentiment === byRating) return byRating;
  if (byRating === 'neutral') return byText.sentiment;
  return Math.abs(byText.score) >= STRONG_TEXT_SCORE ? byText.sentiment : byRating;
};

/** The sentiment of a text alone, or undefined when it has nothing but blanks. */
export const classifyText = (text: string): TextSentiment | undefined => {
  if (text.trim() === '') return undefined;
  const language = languageOf(text);
  const score =
    language === 'zh' ? analyzer.analyze(segmentChinese(text).join(' '), { language: 'zh' }).score
    : language === 'en' ? englishScore(text).score
    : emojiScore(text);
  return { sentiment: score > 0 ? 'positive' : score < 0 ? 'negative' : 'neutral', score, language };
};

const englishScore = (text: string) => analyzer.analyze(text, { language: 'en' });

/** In a language it cannot read, the library still knows its emoji (the same labels in every language). */
const emojiScore = (text: string): number => analyzer.analyze((text.match(PICTOGRAPHS) ?? []).join(' '), { language: 'en' }).score;
const PICTOGRAPHS = /\p{Extended_Pictographic}/gu;

const HAN = /\p{Script=Han}/gu;
const LATIN_LETTER = /\p{Script=Latin}/gu;
/** Scripts that share Han characters (Japanese) or are of their own (Korean): not Chinese. */
const KANA_OR_HANGUL = /[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const ENGLISH_WORDS = new Set(
  'a an and are as at be but by did do for from had has have he her his i in is it its me my not of on or our she so that the their they this to too very was we were what when which will with would you your'.split(' '),
);

/**
 * Which language to score the text in. Chinese when Han characters are at least a quarter of the letters
 * (a Chinese character carries about as much as a short English word, so "App很好用" is Chinese and
 * "I bought a 小米 phone and it broke" is English), unless kana or Hangul say Japanese or Korean. English
 * when the Latin text has a common English word or a word of the English lexicon (so "Terrible!" counts).
 * Anything else, French, Russian or emoji alone, is `other`: only its emoji are scored.
 */
export const languageOf = (text: string): FeedbackLanguage => {
  if (KANA_OR_HANGUL.test(text)) return 'other';
  const han = text.match(HAN)?.length ?? 0;
  const latin = text.match(LATIN_LETTER)?.length ?? 0;
  if (han > 0 && han * 4 >= han + latin) return 'zh';
  if (latin === 0) return 'other';
  const words = text.toLowerCase().match(/[a-z']+/g) ?? [];
  return words.some((word) => ENGLISH_WORDS.has(word)) || englishScore(text).words.length > 0 ? 'en' : 'other';
};

export interface FeedbackItem {
  rating: number;
  text?: string;
  placement: string;
  /** When it was given, ISO-8601. */
  at: string;
}

export interface FeedbackExample {
  rating: number;
  placement: string;
  at: string;
  /** At most {@link EXAMPLE_MAX_CHARS} characters, ending in "…" when cut. */
  text: string;
}

export type SentimentCounts = Record<FeedbackSentiment, number>;

export interface FeedbackSummary {
  total: number;
  bySentiment: SentimentCounts;
  /** Per placement (`order-confirmation`, `push`…): how many, and of which sentiment. */
  byPlacement: Record<string, SentimentCounts & { total: number }>;
  /** Up to `maxExamples` texts per sentiment, newest first; feedback without text is counted, not shown. */
  examples: Record<FeedbackSentiment, FeedbackExample[]>;
}

/**
 * What the daily review shows of a day's feedback: counts by sentiment and by placement, and a few of the
 * users' own words per sentiment. The texts are personal data: show them, never log them.
 */
export const summarizeFeedback = (items: readonly FeedbackItem[], maxExamples = 3): FeedbackSummary => {
  const bySentiment = noSentiments();
  const byPlacement: FeedbackSummary['byPlacement'] = {};
  const withText: Record<FeedbackSentiment, FeedbackItem[]> = { positive: [], neutral: [], negative: [] };
  for (const item of items) {
    const { sentiment } = classifyFeedback(item);
    bySentiment[sentiment] += 1;
    const placement = (byPlacement[item.placement] ??= { total: 0, ...noSentiments() });
    placement.total += 1;
    placement[sentiment] += 1;
    if (item.text !== undefined && item.text.trim() !== '') withText[sentiment].push(item);
  }
  const examples = (sentiment: FeedbackSentiment): FeedbackExample[] =>
    [...withText[sentiment]]
      .sort((a, b) => Date.parse(b.at) - Date.parse(a.at))
      .slice(0, Math.max(0, maxExamples))
      .map(({ rating, placement, at, text }) => ({ rating, placement, at, text: truncate((text ?? '').trim(), EXAMPLE_MAX_CHARS) }));
  return {
    total: items.length,
    bySentiment,
    byPlacement,
    examples: { positive: examples('positive'), neutral: examples('neutral'), negative: examples('negative') },
  };
};

const noSentiments = (): SentimentCounts => ({ positive: 0, neutral: 0, negative: 0 });

/** Cuts by code point, so a Chinese character or an emoji is never split in half. */
const truncate = (text: string, max: number): string => {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
};
