import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLE } from '../../config/table.js';

/**
 * Sets `attribute = at` on an existing item only if it was never set (a state used, a link used, an
 * alert resolved): one conditional write, so of two racing callers exactly one gets `true`.
 * `remove`: attributes dropped in the same write (e.g. sparse index keys the item leaves).
 */
export async function stampOnce(
  doc: DynamoDBDocumentClient,
  tableName: string,
  key: Record<string, string>,
  attribute: string,
  at: string,
  remove: readonly string[] = [],
): Promise<boolean> {
  try {
    await doc.send(
      new UpdateCommand({
        TableName: tableName,
        Key: key,
        UpdateExpression: `SET #attr = :at${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
        ConditionExpression: 'attribute_exists(#pk) AND attribute_not_exists(#attr)',
        ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#attr': attribute },
        ExpressionAttributeValues: { ':at': at },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException || (error as { name?: string } | undefined)?.name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}
