import { SUBJECT_OBJECT_STORES, SUBJECT_STORES, SUBJECT_TABLES } from '../../layers/core/compliance/subject-stores';
import { DATA_SUBJECT_COVERAGE } from '../../infra/data-subject-coverage';
import { allowedActionsOf, resourcesOfType, synthPipeline } from './synth-pipeline';

const { template } = synthPipeline();
const resources = template.toJSON().Resources as Record<string, { Type: string; Properties?: Record<string, any> }>;
const STORE_TYPES = ['AWS::DynamoDB::Table', 'AWS::S3::Bucket', 'AWS::Kinesis::Stream', 'AWS::SQS::Queue'];
const stores = Object.entries(resources).filter(([, r]) => STORE_TYPES.includes(r.Type)).map(([id]) => id);
const machine = resourcesOfType(template, 'AWS::StepFunctions::StateMachine').DataRequest;
const definition = JSON.stringify(machine?.Properties?.DefinitionString);

/** No store can be forgotten by the data-subject export and erasure. */
describe('data-subject coverage of the template', () => {
  it('names every table, bucket, stream and queue, with handlers or a reasoned exemption, and nothing else', () => {
    expect(Object.keys(DATA_SUBJECT_COVERAGE).sort()).toEqual([...stores].sort());
    for (const [store, coverage] of Object.entries(DATA_SUBJECT_COVERAGE)) {
      if ('exempt' in coverage) expect([store, coverage.exempt.length > 20]).toEqual([store, true]);
      else expect([store, coverage.handledBy.length > 0]).toEqual([store, true]);
    }
  });

  it('has every handler the coverage names in the workflow, and no handler without a store', () => {
    const handled = Object.values(DATA_SUBJECT_COVERAGE).flatMap((coverage) => ('handledBy' in coverage ? coverage.handledBy : []));
    expect([...handled, 'personalize'].sort()).toEqual([...SUBJECT_STORES].sort());
    expect(machine).toBeDefined();
    for (const table of SUBJECT_TABLES) expect(definition).toContain(`\\"store\\":\\"${table}\\"`);
    for (const store of ['models', 'exports']) expect(definition).toContain(`\\"store\\":\\"${store}\\"`);
    expect(definition).toContain('\\"step\\":\\"partitions\\"');
    expect(definition).toContain('\\"step\\":\\"personalize-start\\"');
    expect(SUBJECT_OBJECT_STORES).toEqual(expect.arrayContaining(['archive', 'decisions', 'personalize-exports']));
  });

  it('lets the data-request function reach every handled store, and only query and delete its tables', () => {
    const allowed = [...allowedActionsOf(template, 'DataRequestFunction')];
    for (const [store, coverage] of Object.entries(DATA_SUBJECT_COVERAGE)) {
      if (!('handledBy' in coverage)) continue;
      expect([store, allowed.some(([, on]) => JSON.stringify(on).includes(`"${store}"`))]).toEqual([store, true]);
    }
    const tableActions = allowed.filter(([action]) => action.startsWith('dynamodb:')).map(([action]) => action);
    expect([...new Set(tableActions)].sort()).toEqual(['dynamodb:BatchWriteItem', 'dynamodb:Query']);
  });
});
