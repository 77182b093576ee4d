import type { Order } from '../../layers/core/kpis/attribute-touches';
import { countDecision, countGiveBack, type KpiIncrement, type MeasurementFacts, type Touch } from '../../layers/core/kpis/funnel';
import type { CounterRow } from '../../layers/core/kpis/kpi-report';
import type { DecisionRecord } from '../../layers/core/messaging/ledger';
import type { TouchLog } from '../../layers/core/ports';

/** The Kpis table in memory, with the DynamoDB adapter's conditions (each call atomic). */
export class InMemoryKpiStore implements TouchLog {
  readonly touches = new Map<string, Touch>();
  readonly cells = new Map<string, CounterRow>();

  /** What the ledger writes with a final decision. */
  decide(decision: DecisionRecord, facts?: MeasurementFacts): void {
    const counted = countDecision(decision, facts);
    if (!counted) return;
    this.add(counted.increment);
    if (counted.touch) this.touches.set(`${counted.touch.userId}/${counted.touch.messageId}`, structuredClone(counted.touch));
  }

  /** What the ledger writes when a committed send is given back. */
  giveBack(replacement: DecisionRecord): void {
    this.add(countGiveBack(replacement));
    this.touches.delete(`${replacement.userId}/${replacement.messageId}`);
  }

  async touchesOf(userId: string): Promise<Touch[]> {
    return [...this.touches.values()].filter((t) => t.userId === userId).map((t) => structuredClone(t));
  }

  async recordOpen(touch: Touch, at: string, increment: KpiIncrement, field: 'openedAt' | 'impressionAt' = 'openedAt'): Promise<boolean> {
    const stored = this.touches.get(`${touch.userId}/${touch.messageId}`);
    if (!stored || stored[field]) return false;
    stored[field] = at;
    this.add(increment);
    return true;
  }

  async recordOrder(touch: Touch, order: Order, at: string, first: boolean, increment: KpiIncrement): Promise<boolean> {
    const stored = this.touches.get(`${touch.userId}/${touch.messageId}`);
    if (!stored || stored.orders?.includes(order.orderId) || first !== !stored.convertedAt) return false;
    stored.convertedAt ??= at;
    stored.orders = [...(stored.orders ?? []), order.orderId];
    stored.revenue = { ...stored.revenue, [order.currency]: (stored.revenue?.[order.currency] ?? 0) + order.revenue };
    this.add(increment);
    return true;
  }

  rows(): CounterRow[] {
    return [...this.cells.values()].map((row) => structuredClone(row));
  }

  private add({ cell, add }: KpiIncrement): void {
    const key = Object.values(cell).join('/');
    const row = this.cells.get(key) ?? { cell, counters: {} };
    for (const [name, value] of Object.entries(add)) row.counters[name] = (row.counters[name] ?? 0) + value;
    this.cells.set(key, row);
  }
}
