import type { TimerStore } from '../../layers/core/ports';
import type { Timer, TimerCommand } from '../../layers/core/triggers/timer';

/** The Timers table in memory, with the same conditions as `DynamoTimerStore`. */
export class InMemoryTimerStore implements TimerStore {
  /** By `<userId>\0<key>`. */
  readonly items = new Map<string, Timer>();
  /** Every command applied, in order. */
  readonly applied: TimerCommand[] = [];
  failApplyNext = 0;
  /** Called before each complete; lets a test crash a sweep midway or play a concurrent writer. */
  beforeComplete?: (timer: Timer) => void | Promise<void>;
  /** Called after each complete, with its result; lets a test crash a sweep right after a timer was removed. */
  afterComplete?: (timer: Timer, completed: boolean) => void | Promise<void>;

  async apply(commands: readonly TimerCommand[]): Promise<void> {
    if (this.failApplyNext > 0) {
      this.failApplyNext--;
      throw new Error('timers table unavailable');
    }
    // Like the DynamoDB adapter: moves after the commands of their batch.
    const ordered = [...commands.filter((c) => c.op !== 'move'), ...commands.filter((c) => c.op === 'move')];
    for (const command of ordered) {
      this.applied.push(structuredClone(command));
      if (command.op === 'arm') {
        this.arm(command.timer);
      } else if (command.op === 'move') {
        for (const timer of [...this.items.values()].filter((t) => t.userId === command.userId)) {
          this.arm({ ...structuredClone(timer), userId: command.toUserId, intent: { ...timer.intent, userId: command.toUserId } });
          this.items.delete(idOf(timer));
        }
      } else {
        const id = idOf(command);
        const stored = this.items.get(id);
        const at = Date.parse(command.at);
        if (stored && Date.parse(stored.armedAt) <= at && at <= Date.parse(stored.dueAt)) this.items.delete(id);
      }
    }
  }

  private arm(timer: Timer): void {
    const id = idOf(timer);
    const stored = this.items.get(id);
    if (!stored || isNewer(timer, stored)) this.items.set(id, structuredClone(timer));
  }

  async due(now: Date, limit: number): Promise<Timer[]> {
    return [...this.items.values()]
      .filter((timer) => Date.parse(timer.dueAt) <= now.getTime())
      .sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt) || idOf(a).localeCompare(idOf(b)))
      .slice(0, limit)
      .map((timer) => structuredClone(timer));
  }

  async complete(timer: Timer): Promise<boolean> {
    await this.beforeComplete?.(timer);
    const id = idOf(timer);
    const completed = this.items.get(id)?.armId === timer.armId;
    if (completed) this.items.delete(id);
    await this.afterComplete?.(timer, completed);
    return completed;
  }

  /** The stored timer of a key, if any. */
  get(userId: string, key: string): Timer | undefined {
    return this.items.get(idOf({ userId, key }));
  }
}

const idOf = ({ userId, key }: { userId: string; key: string }): string => `${userId}\u0000${key}`;

const isNewer = (candidate: Timer, stored: Timer): boolean => {
  const a = Date.parse(candidate.armedAt);
  const b = Date.parse(stored.armedAt);
  return a > b || (a === b && candidate.armId > stored.armId);
};
