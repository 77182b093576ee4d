import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPipelineApp } from '../../infra/pipeline-app';
import type { CfnTemplate } from './template/cfn-template';

/**
 * The pipeline's CloudFormation template, synthesized from `infra/` exactly as `cdk synth` does it
 * (cdk-nag included) but without bundling the functions: the local stack runs them from source.
 * Creating local resources from this template, not from a hand-written list, is what keeps the local
 * stack and the cloud from drifting apart.
 */
export const synthesizePipelineTemplate = (): { stackName: string; template: CfnTemplate } => {
  const outdir = mkdtempSync(join(tmpdir(), 'pipeline-synth-'));
  try {
    const { app, stack } = buildPipelineApp({ bundle: false, validateTemplates: false, outdir });
    const assembly = app.synth();
    return { stackName: stack.stackName, template: assembly.getStackByName(stack.stackName).template as CfnTemplate };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
};
