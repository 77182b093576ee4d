import type { LocalStack } from '../../scripts/local-stack/local-stack';

/** POSTs events to the local stack's endpoint in batches of 500 (the contract's limit), then settles the pipeline. */
export const postEvents = async (stack: Pick<LocalStack, 'url' | 'apiKey' | 'settle'>, events: readonly object[]): Promise<void> => {
  for (let start = 0; start < events.length; start += 500) {
    const response = await fetch(`${stack.url}/v1/events`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'x-api-key': stack.apiKey },
      body: JSON.stringify({ events: events.slice(start, start + 500) }),
    });
    if (response.status !== 200) throw new Error(`POST /v1/events answered ${response.status}: ${await response.text()}`);
  }
  await stack.settle();
};
