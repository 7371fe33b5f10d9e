import type {
  AttributeDefinition,
  CreateTableCommandInput,
  KeySchemaElement,
  Projection,
} from '@aws-sdk/client-dynamodb';

const TABLE_TYPES = new Set(['AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable']);

interface CfnIndex {
  IndexName: string;
  KeySchema: KeySchemaElement[];
  Projection: Projection;
}

const index = ({ IndexName, KeySchema, Projection }: CfnIndex) => ({
  IndexName,
  KeySchema,
  Projection,
});

/**
 * CreateTable input for a local table, derived from the synthesized CloudFormation template
 * so the local schema cannot drift from the deployed one.
 */
export function tableDefinitionFromTemplate(
  template: { Resources?: Record<string, any> },
  tableName: string,
): CreateTableCommandInput {
  const tables = Object.entries(template.Resources ?? {}).filter(([, r]) => TABLE_TYPES.has(r?.Type));
  if (tables.length !== 1) {
    throw new Error(`Expected exactly one DynamoDB table in template, found ${tables.length}`);
  }
  const [logicalId, resource] = tables[0]!;
  const props = resource.Properties ?? {};
  // Provisioned capacity has no meaningful local equivalent; fail loudly rather than guess.
  if (props.BillingMode !== 'PAY_PER_REQUEST') {
    throw new Error(`${logicalId}: only on-demand (PAY_PER_REQUEST) billing is supported`);
  }
  const gsis: CfnIndex[] | undefined = props.GlobalSecondaryIndexes;
  const lsis: CfnIndex[] | undefined = props.LocalSecondaryIndexes;
  return {
    TableName: tableName,
    KeySchema: props.KeySchema as KeySchemaElement[],
    AttributeDefinitions: props.AttributeDefinitions as AttributeDefinition[],
    BillingMode: 'PAY_PER_REQUEST',
    ...(gsis?.length && { GlobalSecondaryIndexes: gsis.map(index) }),
    ...(lsis?.length && { LocalSecondaryIndexes: lsis.map(index) }),
  };
}
