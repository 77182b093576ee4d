import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import type { PipelineEvent } from '../../layers/core/contract/pipeline-event';

/** One line of the UCI Online Retail dataset (events/datasets/README.md). */
export interface RetailLine {
  InvoiceNo: string;
  StockCode: string;
  Description: string;
  Quantity: string;
  InvoiceDate: string;
  UnitPrice: string;
  CustomerID: string;
  Country: string;
}

/** Streams the dataset's lines from the gzipped (or plain) CSV. */
export async function* readRetailLines(path: string): AsyncGenerator<RetailLine> {
  const input = createReadStream(path);
  const parser = (path.endsWith('.gz') ? input.pipe(createGunzip()) : input).pipe(parse({ columns: true }));
  for await (const line of parser) yield line as RetailLine;
}

/**
 * A line that is a purchase: a known customer, not a cancellation (`C…` invoice), positive quantity and
 * price. Cancellations and adjustments are left out rather than netted, as the RFM literature on this
 * dataset does.
 */
export const isPurchaseLine = (line: RetailLine): boolean =>
  line.CustomerID !== '' && !line.InvoiceNo.startsWith('C') && Number(line.Quantity) > 0 && Number(line.UnitPrice) > 0;

/** `2010-12-01 08:26:00` (UK local time in the source) → ISO-8601, taken as UTC. */
export const invoiceTime = (invoiceDate: string): string => `${invoiceDate.replace(' ', 'T')}.000Z`;

export const userIdOf = (customerId: string): string => `uci-${customerId}`;

export interface ReplayOptions {
  /** Keep only customers whose id is divisible by this (1 = everyone): a deterministic sample. */
  sampleEvery?: number;
}

/** The version of the consent text the replay's customers agree to. */
export const REPLAY_CONSENT_VERSION = 'uci-online-retail';

const trackingGrant = (userId: string, time: string): PipelineEvent => ({
  type: 'consent',
  insertId: `${userId}-consent`,
  userId,
  timestamp: time,
  properties: { purposes: { tracking: true }, source: 'replay', version: REPLAY_CONSENT_VERSION },
});

/**
 * Turns the dataset into what the shop's app would have sent: a tracking grant per customer at their
 * first order, for every invoice line an `add_to_cart`, then one `purchase` per invoice with all its
 * lines as items, at the invoice's time. Invoices come out
 * in the order of their first line, which is the file's (chronological) order.
 */
export const toEvents = async (lines: AsyncIterable<RetailLine>, options: ReplayOptions = {}): Promise<PipelineEvent[]> => {
  const sampleEvery = options.sampleEvery ?? 1;
  const invoices = new Map<string, { userId: string; time: string; items: { productId: string; quantity: number; price: number }[] }>();
  for await (const line of lines) {
    if (!isPurchaseLine(line) || Number(line.CustomerID) % sampleEvery !== 0) continue;
    const time = invoiceTime(line.InvoiceDate);
    const invoice = invoices.get(line.InvoiceNo) ?? { userId: userIdOf(line.CustomerID), time, items: [] };
    // An invoice's lines can straddle a minute; its time is its last line's.
    if (time > invoice.time) invoice.time = time;
    invoice.items.push({ productId: line.StockCode, quantity: Number(line.Quantity), price: Number(line.UnitPrice) });
    invoices.set(line.InvoiceNo, invoice);
  }
  const events: PipelineEvent[] = [];
  const consented = new Set<string>();
  for (const [invoiceNo, { userId, time, items }] of invoices) {
    // Tracking is opt-in by default: each customer grants it with their first order (a statement folds
    // before behaviour of the same instant), as a shop's consent banner would have.
    if (!consented.has(userId)) {
      consented.add(userId);
      events.push(trackingGrant(userId, time));
    }
    items.forEach((item, i) =>
      events.push({
        type: 'add_to_cart',
        insertId: `uci-${invoiceNo}-${i}`,
        userId,
        timestamp: time,
        properties: { productId: item.productId, quantity: item.quantity, price: item.price },
      }),
    );
    events.push({
      type: 'purchase',
      insertId: `uci-${invoiceNo}`,
      userId,
      timestamp: time,
      properties: { orderId: invoiceNo, currency: 'GBP', items },
    });
  }
  return events;
};
