import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string }; devDependencies: Record<string, string> };
const createFunction = readFileSync(join(ROOT, 'infra/create-function.ts'), 'utf8');

/** The Lambda runtime every function is deployed on (`lambda.Runtime.NODEJS_<major>_X`). */
const lambdaMajor = Number(/Runtime\.NODEJS_(\d+)_X/.exec(createFunction)?.[1]);

describe('the Node the project runs on locally', () => {
  it('is the Lambda runtime’s major: npm scripts run the node devDependency, whatever Node runs npm', () => {
    expect(lambdaMajor).toBeGreaterThanOrEqual(24);
    expect(Number(process.versions.node.split('.')[0])).toBe(lambdaMajor);
  });

  it('is pinned in package.json and promised by engines', () => {
    expect(Number(pkg.devDependencies.node?.split('.')[0])).toBe(lambdaMajor);
    expect(pkg.engines.node).toBe(`${lambdaMajor}.x`);
  });
});
