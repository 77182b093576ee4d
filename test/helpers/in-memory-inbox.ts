import { bannersPrefix, INBOX_ITEMS_PREFIX, sortKeyOf, type InboxMessage, type InboxStateField } from '../../layers/core/inbox/inbox-message';
import type { InboxStore } from '../../layers/core/ports';

/** The Inbox table in memory, with the same key order and page semantics as DynamoInbox. */
export class InMemoryInbox implements InboxStore {
  readonly items = new Map<string, InboxMessage>();

  private key = (userId: string, sortKey: string): string => `${userId}\u0000${sortKey}`;

  private sortKeysOf(userId: string, prefix: string): string[] {
    return [...this.items.keys()]
      .filter((key) => key.startsWith(`${userId}\u0000${prefix}`))
      .map((key) => key.slice(userId.length + 1))
      .sort()
      .reverse();
  }

  async put(message: InboxMessage): Promise<void> {
    this.items.set(this.key(message.userId, sortKeyOf(message)), { ...message });
  }

  async page(userId: string, limit: number, after?: string): Promise<{ messages: InboxMessage[]; next?: string }> {
    const keys = this.sortKeysOf(userId, INBOX_ITEMS_PREFIX).filter((key) => after === undefined || key < after);
    const taken = keys.slice(0, limit);
    const next = keys.length > limit ? taken.at(-1) : undefined;
    return { messages: taken.map((key) => ({ ...this.items.get(this.key(userId, key))! })), ...(next && { next }) };
  }

  async banners(userId: string, slot?: string): Promise<InboxMessage[]> {
    return this.sortKeysOf(userId, bannersPrefix(slot)).map((key) => ({ ...this.items.get(this.key(userId, key))! }));
  }

  async get(userId: string, sortKey: string): Promise<InboxMessage | undefined> {
    const message = this.items.get(this.key(userId, sortKey));
    return message && { ...message };
  }

  async mark(userId: string, sortKey: string, fields: readonly InboxStateField[], at: Date): Promise<InboxMessage | undefined> {
    const message = this.items.get(this.key(userId, sortKey));
    if (!message) return undefined;
    for (const field of fields) message[field] ??= at.toISOString();
    return { ...message };
  }

  /** The user's messages of every kind, as stored. */
  of(userId: string): InboxMessage[] {
    return [...this.items.values()].filter((message) => message.userId === userId);
  }
}
