/**
 * npm run derive:popular-items [-- --top 50]
 *
 * Derives the popular-items list the deliver function fills recommendation slots with until the real
 * model arrives: the UCI Online Retail products (events/datasets/README.md) bought by the most distinct
 * customers, cancellations and non-product codes (postage, fees, adjustments) left out. Writes
 * layers/adapters/data/popular-items.json, which is committed: deliver reads no dataset at run time.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ONLINE_RETAIL_DATASET } from '../replay/dataset';
import { isPurchaseLine, readRetailLines } from '../replay/online-retail';

const DATASET = ONLINE_RETAIL_DATASET;
const OUTPUT = resolve(__dirname, '../../layers/adapters/data/popular-items.json');
/** Stock codes of real products: five digits, sometimes a letter suffix (POST, DOT, M, C2… are not). */
const PRODUCT_CODE = /^\d{5}[A-Z]{0,2}$/;

const main = async () => {
  const { values } = parseArgs({ options: { top: { type: 'string', default: '50' } } });
  const top = Number(values.top);
  const buyers = new Map<string, Set<string>>();
  const names = new Map<string, string>();
  for await (const line of readRetailLines(DATASET)) {
    if (!isPurchaseLine(line) || !PRODUCT_CODE.test(line.StockCode)) continue;
    const set = buyers.get(line.StockCode) ?? new Set<string>();
    set.add(line.CustomerID);
    buyers.set(line.StockCode, set);
    if (line.Description.trim()) names.set(line.StockCode, line.Description.trim());
  }
  const items = [...buyers.entries()]
    .map(([productId, customers]) => ({ productId, name: names.get(productId) ?? productId, buyers: customers.size }))
    .sort((a, b) => b.buyers - a.buyers || a.productId.localeCompare(b.productId))
    .slice(0, top);
  const document = {
    source: 'UCI Online Retail (Chen, Sain & Guo 2012), CC BY 4.0: products bought by the most distinct customers',
    derivedBy: 'npm run derive:popular-items',
    items,
  };
  writeFileSync(OUTPUT, `${JSON.stringify(document, null, 2)}\n`);
  console.log(`${items.length} popular items → ${OUTPUT}`);
};

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
