/**
 * Child process of queue-journal.test.ts: local queues with a journal, a few SQS calls of each kind
 * the system makes, then "ACKED <what happened>" on stdout, then it waits to be killed (-9).
 */
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { SqsQueueSender } from '../../../shared/adapters/aws/sqs-sender.js';
import { startLocalQueues } from '../../../local/services/queues.js';

const journalFile = process.argv[2];
if (!journalFile) throw new Error('usage: queue-writer.ts <journal file>');
// alerts: visible again at once, so six receives move a message to its DLQ here.
const queues = await startLocalQueues({ journalFile, visibilityTimeoutSeconds: (key) => (key === 'alerts' ? 0 : 30) });
const sqs = queues.sqsClient();
const sender = new SqsQueueSender(sqs, (key) => queues.queueUrl(key));

await sender.sendBatch('publish', Array.from({ length: 25 }, (_, n) => ({ n })));
await sqs.send(new SendMessageCommand({ QueueUrl: queues.queueUrl('postRetries'), MessageBody: JSON.stringify({ restored: 'c1' }) }));
const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queues.queueUrl('publish'), MaxNumberOfMessages: 5 }));
const handled = (received.Messages ?? []).slice(0, 3);
await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queues.queueUrl('publish'), Entries: handled.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
await sender.sendBatch('alerts', [{ doomed: true }]);
for (let i = 0; i < 6; i++) await sqs.send(new ReceiveMessageCommand({ QueueUrl: queues.queueUrl('alerts'), MaxNumberOfMessages: 1 }));

console.log(`ACKED ${JSON.stringify({ handled: handled.map((m) => m.Body), inFlight: (received.Messages ?? []).slice(3).map((m) => m.Body), alertsDlq: (await queues.dlqDepth('alerts')).visible })}`);
setInterval(() => undefined, 60_000);
