import type { Interaction, ItemMetadata } from '../../layers/core/recommendations/interaction';
import { invoiceTime, isPurchaseLine, readRetailLines } from '../replay/online-retail';

/** One purchase line of the UCI Online Retail dataset, as the recommendation protocol reads it. */
export interface RetailPurchase {
  customerId: string;
  invoiceNo: string;
  stockCode: string;
  description: string;
  /** As in the file: `YYYY-MM-DD HH:MM:SS`, so that string order is time order. */
  invoiceDate: string;
}

/**
 * The protocol's purchase line (issue 6): the replay's purchase line (a customer, not a `C…`
 * cancellation, quantity and price > 0) whose StockCode starts with five digits, which leaves out
 * postage, fees, manual adjustments and the like.
 */
export const isProductPurchase = (line: Parameters<typeof isPurchaseLine>[0]): boolean => isPurchaseLine(line) && /^\d{5}/.test(line.StockCode);

/** Every protocol purchase line of the dataset, in file order. */
export const readPurchases = async (path: string): Promise<RetailPurchase[]> => {
  const purchases: RetailPurchase[] = [];
  for await (const line of readRetailLines(path)) {
    if (!isProductPurchase(line)) continue;
    purchases.push({
      customerId: line.CustomerID,
      invoiceNo: line.InvoiceNo,
      stockCode: line.StockCode,
      description: line.Description,
      invoiceDate: line.InvoiceDate,
    });
  }
  return purchases;
};

/** Purchases as training interactions: one per line, the invoice as the basket. */
export const toInteractions = (purchases: readonly RetailPurchase[], userIdOf: (customerId: string) => string = (id) => id): Interaction[] =>
  purchases.map((p) => ({ userId: userIdOf(p.customerId), itemId: p.stockCode, at: invoiceTime(p.invoiceDate), kind: 'purchase', basketId: p.invoiceNo }));

/**
 * Each StockCode's description: the one its lines carry most often (a few codes were renamed over the
 * year), ties by the text, empty ones ignored.
 */
export const itemDescriptions = (purchases: readonly RetailPurchase[]): ItemMetadata[] => {
  const counts = new Map<string, Map<string, number>>();
  for (const { stockCode, description } of purchases) {
    const text = description.trim();
    if (text === '') continue;
    const byText = counts.get(stockCode) ?? new Map<string, number>();
    byText.set(text, (byText.get(text) ?? 0) + 1);
    counts.set(stockCode, byText);
  }
  return [...counts]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([itemId, byText]) => ({
      itemId,
      description: [...byText].sort(([x, m], [y, n]) => n - m || (x < y ? -1 : x > y ? 1 : 0))[0]![0],
    }));
};
