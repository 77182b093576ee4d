import { EventEmitter } from 'node:events';
import type { SnsMessageAttribute } from './sns-query-protocol';

/** One SNS Publish that went to a device (`TargetArn`) or a phone (`PhoneNumber`) instead of a topic. */
export interface DirectPublish {
  /** The MessageId returned to the caller. */
  readonly id: string;
  readonly kind: 'push' | 'sms';
  /** Platform endpoint ARN, for `push`. */
  readonly targetArn?: string;
  /** E.164 number, for `sms`. */
  readonly phoneNumber?: string;
  readonly message: string;
  readonly subject?: string;
  /** `json` when `message` holds one message per platform. */
  readonly messageStructure?: string;
  readonly messageAttributes: Readonly<Record<string, SnsMessageAttribute>>;
  readonly receivedAt: Date;
}

/** Options of {@link DirectPublishRecorder.waitFor}. */
export interface WaitForPublishOptions {
  /** @default 5000 */
  readonly timeoutMs?: number;
}

/** Why a publish to an endpoint is refused, as SNS would (e.g. `EndpointDisabled`). */
export interface EndpointRejection {
  readonly code: string;
  readonly message: string;
}

const PUBLISH_EVENT = 'publish';

/**
 * Keeps every direct publish the local SNS endpoint accepted, in order, and tells listeners about new
 * ones: the console narrates them, tests wait for them. Endpoints can be marked disabled so the
 * sender sees SNS's `EndpointDisabled` error, and numbers put on the SMS opt-out list, which
 * `CheckIfPhoneNumberIsOptedOut` answers from and a Publish to them is refused for (as SNS does).
 */
export class DirectPublishRecorder {
  readonly #records: DirectPublish[] = [];
  readonly #emitter = new EventEmitter();
  readonly #rejections = new Map<string, EndpointRejection>();
  readonly #optedOut = new Set<string>();

  /** Every direct publish so far, oldest first. */
  list(): readonly DirectPublish[] {
    return [...this.#records];
  }

  /** Forgets the recorded publishes (not the disabled endpoints). */
  clear(): void {
    this.#records.length = 0;
  }

  /** Calls `listener` for each new publish; returns the function that unsubscribes it. */
  onPublish(listener: (publish: DirectPublish) => void): () => void {
    this.#emitter.on(PUBLISH_EVENT, listener);
    return () => this.#emitter.off(PUBLISH_EVENT, listener);
  }

  /**
   * Resolves with the first publish, recorded already or arriving within the timeout, that matches
   * `predicate` (any publish when omitted); rejects after the timeout.
   */
  waitFor(predicate: (publish: DirectPublish) => boolean = () => true, options: WaitForPublishOptions = {}): Promise<DirectPublish> {
    const existing = this.#records.find(predicate);
    if (existing) return Promise.resolve(existing);
    const timeoutMs = options.timeoutMs ?? 5_000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        unsubscribe();
        reject(new Error(`no matching SNS direct publish within ${timeoutMs} ms (${this.#records.length} recorded)`));
      }, timeoutMs);
      const unsubscribe = this.onPublish((publish) => {
        if (!predicate(publish)) return;
        clearTimeout(timer);
        unsubscribe();
        resolve(publish);
      });
    });
  }

  /** Resolves once at least `count` publishes are recorded; rejects after the timeout. */
  waitForCount(count: number, options: WaitForPublishOptions = {}): Promise<readonly DirectPublish[]> {
    if (this.#records.length >= count) return Promise.resolve(this.list());
    const timeoutMs = options.timeoutMs ?? 5_000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        unsubscribe();
        reject(new Error(`expected ${count} SNS direct publishes within ${timeoutMs} ms, got ${this.#records.length}`));
      }, timeoutMs);
      const unsubscribe = this.onPublish(() => {
        if (this.#records.length < count) return;
        clearTimeout(timer);
        unsubscribe();
        resolve(this.list());
      });
    });
  }

  /** Makes publishes to `targetArn` fail with `code` (default `EndpointDisabled`), as for a disabled device. */
  disableEndpoint(targetArn: string, rejection: EndpointRejection = { code: 'EndpointDisabled', message: 'Endpoint is disabled' }): void {
    this.#rejections.set(targetArn, rejection);
  }

  /** Undoes {@link DirectPublishRecorder.disableEndpoint}. */
  enableEndpoint(targetArn: string): void {
    this.#rejections.delete(targetArn);
  }

  /** Puts an E.164 number on the SMS opt-out list, as a user replying STOP would. */
  optOut(phoneNumber: string): void {
    this.#optedOut.add(phoneNumber);
  }

  /** Takes a number off the SMS opt-out list. */
  optIn(phoneNumber: string): void {
    this.#optedOut.delete(phoneNumber);
  }

  /** Whether the number is on the SMS opt-out list (`CheckIfPhoneNumberIsOptedOut`). */
  isOptedOut(phoneNumber: string): boolean {
    return this.#optedOut.has(phoneNumber);
  }

  /** @internal The rejection configured for a target, if any. */
  rejectionFor(targetArn: string): EndpointRejection | undefined {
    return this.#rejections.get(targetArn);
  }

  /** @internal Records an accepted publish and notifies listeners. */
  record(publish: DirectPublish): void {
    this.#records.push(publish);
    this.#emitter.emit(PUBLISH_EVENT, publish);
  }
}
