import { DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DataRequestReceipt } from '../core/compliance/request-receipt';
import type { StoreExport, SubjectStore } from '../core/compliance/subject-stores';
import { S3Objects } from './s3-objects';

/** Where data-subject requests keep their files in the `Reports` bucket. */
export const DATA_REQUEST_KEYS = {
  /** `exports/<request>.json`: the export document (personal data: expires with the bucket's `exports/` rule). */
  exports: 'exports/',
  /** `data-requests/<request>.json`: the receipt, the user named only by hash; kept. */
  receipts: 'data-requests/',
} as const;

/** The export document: everything held about the user, by store. */
export interface ExportDocument {
  readonly requestId: string;
  readonly userId: string;
  readonly generatedAt: string;
  readonly stores: Record<string, { readonly items: unknown[]; readonly notes?: string[] }>;
}

/**
 * A request's files. Each store step writes its part of an export on its own (Step Functions passes at
 * most 256 KB between states, and an archive can hold far more of one user); the last step joins them
 * into one document and deletes the parts.
 */
export class S3DataRequestFiles {
  private readonly objects: S3Objects;

  constructor(client: S3Client, bucket: string) {
    this.objects = new S3Objects(client, bucket);
  }

  async savePart(requestId: string, partName: string, part: StoreExport): Promise<void> {
    await this.objects.write(`${this.partsPrefix(requestId)}${part.store}/${safeName(partName)}.json`, JSON.stringify(part), 'application/json');
  }

  /** Joins the parts into `exports/<request>.json` (every store named, empty or not); resolves with its key. */
  async assembleExport(requestId: string, userId: string, generatedAt: Date, storeNames: readonly string[] = []): Promise<string> {
    const stores: Record<string, { items: unknown[]; notes?: string[] }> = Object.fromEntries(storeNames.map((name) => [name, { items: [] }]));
    const parts: string[] = [];
    for await (const object of this.objects.list(this.partsPrefix(requestId))) {
      const body = await this.objects.read(object.key);
      if (!body) continue;
      const part = JSON.parse(Buffer.from(body).toString('utf8')) as StoreExport;
      const entry = (stores[part.store] ??= { items: [] });
      entry.items.push(...part.items);
      if (part.note && !entry.notes?.includes(part.note)) entry.notes = [...(entry.notes ?? []), part.note];
      parts.push(object.key);
    }
    const key = `${DATA_REQUEST_KEYS.exports}${safeName(requestId)}.json`;
    // A retry after the parts were deleted finds the document already whole.
    if (parts.length === 0 && (await this.objects.read(key))) return key;
    const document: ExportDocument = { requestId, userId, generatedAt: generatedAt.toISOString(), stores };
    await this.objects.write(key, `${JSON.stringify(document, null, 2)}\n`, 'application/json');
    for (const Key of parts) await this.objects.client.send(new DeleteObjectCommand({ Bucket: this.objects.bucket, Key }));
    return key;
  }

  async saveReceipt(receipt: DataRequestReceipt): Promise<void> {
    await this.objects.write(`${DATA_REQUEST_KEYS.receipts}${receipt.requestId}.json`, `${JSON.stringify(receipt, null, 2)}\n`, 'application/json');
  }

  async receipt(requestId: string): Promise<DataRequestReceipt | undefined> {
    const body = await this.objects.read(`${DATA_REQUEST_KEYS.receipts}${safeName(requestId)}.json`);
    return body ? (JSON.parse(Buffer.from(body).toString('utf8')) as DataRequestReceipt) : undefined;
  }

  /** Every receipt, for the quarterly audit. */
  async *receipts(): AsyncIterable<DataRequestReceipt> {
    for await (const object of this.objects.list(DATA_REQUEST_KEYS.receipts)) {
      const body = await this.objects.read(object.key);
      if (body) yield JSON.parse(Buffer.from(body).toString('utf8')) as DataRequestReceipt;
    }
  }

  private partsPrefix(requestId: string): string {
    return `${DATA_REQUEST_KEYS.exports}${safeName(requestId)}/`;
  }
}

const safeName = (name: string): string => name.replace(/[^A-Za-z0-9_.:-]/g, '_');

/**
 * Earlier export documents of the user (`exports/<request>.json`, kept 30 days): an erasure deletes
 * them, since each holds everything the user's erasure removes elsewhere. An export lists their ids.
 */
export class S3SubjectExports implements SubjectStore {
  readonly name = 'exports' as const;
  private readonly objects: S3Objects;

  constructor(client: S3Client, bucket: string) {
    this.objects = new S3Objects(client, bucket);
  }

  async export(userId: string): Promise<StoreExport> {
    const documents = await this.documentsOf(userId);
    return { store: this.name, items: documents.map((key) => ({ exportDocument: key })) };
  }

  async erase(userId: string): Promise<number> {
    const documents = await this.documentsOf(userId);
    for (const Key of documents) await this.objects.client.send(new DeleteObjectCommand({ Bucket: this.objects.bucket, Key }));
    return documents.length;
  }

  private async documentsOf(userId: string): Promise<string[]> {
    const found: string[] = [];
    for await (const object of this.objects.list(DATA_REQUEST_KEYS.exports)) {
      // Documents only (`exports/<request>.json`); parts sit a level down and go with their request.
      if (!/^exports\/[^/]+\.json$/.test(object.key)) continue;
      const body = await this.objects.read(object.key);
      if (body && (JSON.parse(Buffer.from(body).toString('utf8')) as Partial<ExportDocument>).userId === userId) found.push(object.key);
    }
    return found;
  }
}
