/** CDK context that configures Personalize (dataset, solution, campaign, role) for template and workflow tests. */
export const PERSONALIZE_CONTEXT = {
  'pipeline:personalizeDatasetArn': 'arn:aws:personalize:us-east-1:000000000000:dataset/shop/INTERACTIONS',
  'pipeline:personalizeSolutionArn': 'arn:aws:personalize:us-east-1:000000000000:solution/related-items',
  'pipeline:personalizeCampaignArn': 'arn:aws:personalize:us-east-1:000000000000:campaign/related-items',
  'pipeline:personalizeRoleArn': 'arn:aws:iam::000000000000:role/personalize-reads-models',
} as const;
