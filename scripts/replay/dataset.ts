import { resolve } from 'node:path';

/**
 * The UCI Online Retail dataset shipped with the repository (events/datasets/README.md: source,
 * citation, CC BY 4.0 licence, checksums). The replay, the benchmarks, the recommender's evaluation
 * and the RFM end-to-end test all read this one file, so a clone needs nothing beside it.
 */
export const ONLINE_RETAIL_DATASET = resolve(__dirname, '../../events/datasets/online-retail.csv.gz');
