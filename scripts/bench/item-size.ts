import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * An item's size as DynamoDB bills it, from its marshalled attributes, by the documented rules
 * ("DynamoDB item sizes and formats"): attribute names and strings in UTF-8 bytes, binaries in raw bytes,
 * numbers 1 byte per two significant digits + 1, booleans and nulls 1 byte, lists and maps 3 bytes plus
 * 1 byte per element (and, for maps, each key's bytes). Numbers are the documented approximation.
 */
export const itemSize = (item: Record<string, AttributeValue>): number =>
  Object.entries(item).reduce((sum, [name, value]) => sum + utf8(name) + valueSize(value), 0);

/** Write units of one write touching an item of `bytes` (1 per started KB, at least 1). */
export const writeUnitsFor = (bytes: number): number => Math.max(1, Math.ceil(bytes / 1024));

export const valueSize = (value: AttributeValue): number => {
  if (value.S !== undefined) return utf8(value.S);
  if (value.N !== undefined) return numberSize(value.N);
  if (value.B !== undefined) return value.B.byteLength;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.L !== undefined) return 3 + value.L.reduce((sum, element) => sum + 1 + valueSize(element), 0);
  if (value.M !== undefined) return 3 + Object.entries(value.M).reduce((sum, [key, element]) => sum + 1 + utf8(key) + valueSize(element), 0);
  if (value.SS !== undefined) return value.SS.reduce((sum, s) => sum + utf8(s), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, n) => sum + numberSize(n), 0);
  if (value.BS !== undefined) return value.BS.reduce((sum, b) => sum + b.byteLength, 0);
  return 0;
};

const utf8 = (text: string): number => Buffer.byteLength(text, 'utf8');

/** Significant digits: no sign, exponent, decimal point, nor leading or trailing zeros. */
const numberSize = (text: string): number => {
  const digits = text.replace(/^-/, '').replace(/e.*$/i, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(1, digits.length) / 2) + 1;
};
