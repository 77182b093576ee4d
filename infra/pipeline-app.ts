import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { MarketingPipelineStack, type MarketingPipelineStackProps } from './pipeline-stack';

/** Name of the pipeline's CloudFormation stack. */
export const PIPELINE_STACK_NAME = 'MarketingPipeline';

/** Options of {@link buildPipelineApp}. */
export interface BuildPipelineAppOptions {
  /**
   * Bundle the functions with esbuild. `false` skips bundling (context `aws:cdk:bundling-stacks: []`):
   * the template is the same but assets point at the unbundled source, which is all tests and the
   * local stack need, and synth takes a fraction of the time.
   * @default true
   */
  readonly bundle?: boolean;
  /** Extra context, e.g. `{ 'pipeline:removalPolicy': 'destroy' }`; the CLI's `-c` values still apply. */
  readonly context?: Record<string, unknown>;
  /** Cloud assembly directory. @default the CLI's, or a temporary directory */
  readonly outdir?: string;
  /**
   * Run CDK's built-in check of the templates against the CloudFormation resource schemas. It costs
   * about two seconds on a cold synth, which is why the infra tests turn it off everywhere except
   * in the one test that checks the validation report.
   * @default true
   */
  readonly validateTemplates?: boolean;
  /** Passed to the stack; `config` there wins over context. */
  readonly stackProps?: MarketingPipelineStackProps;
}

/** The app and its one stack. */
export interface PipelineApp {
  readonly app: App;
  readonly stack: MarketingPipelineStack;
}

/**
 * Builds the CDK app: the pipeline stack with the cdk-nag AwsSolutions pack registered as a validation
 * plugin, so every synth (CLI, tests, local stack) fails on an unacknowledged finding.
 */
export const buildPipelineApp = (options: BuildPipelineAppOptions = {}): PipelineApp => {
  const context: Record<string, unknown> = { ...options.context };
  if (options.bundle === false) context['aws:cdk:bundling-stacks'] = [];
  const app = new App({ context, outdir: options.outdir, builtinCloudFormationValidation: options.validateTemplates ?? true });
  const stack = new MarketingPipelineStack(app, PIPELINE_STACK_NAME, {
    description: 'Marketing pipeline: events -> profiles -> intents -> push',
    // No AWS::CDK::Metadata resource: the template is also provisioned by the local stack, which has no use for it.
    analyticsReporting: false,
    ...options.stackProps,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
};
