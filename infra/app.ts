/**
 * CDK entry point (`cdk.json` runs `npx tsx infra/app.ts`). Configuration comes from context; see
 * `infra/config.ts` for the keys and their defaults.
 */
import { buildPipelineApp } from './pipeline-app';

buildPipelineApp();
