import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { RULES, type QueueKey } from '../../shared/config/messaging.js';
import type { Observability } from './observability.js';
import { serviceDeadLetterQueue } from './queues.js';

export interface EventsProps {
  queues: Record<QueueKey, Queue>;
  observability: Observability;
}

/**
 * The service's own event bus and the rules of shared/config/messaging.ts: each rule's pattern is the
 * shared one verbatim and its targets are the shared queues. Events EventBridge cannot deliver
 * (after its retries) land in a dead-letter queue with an alarm instead of being dropped.
 */
export class Events extends Construct {
  readonly bus: EventBus;
  readonly rules: Record<string, Rule> = {};

  constructor(scope: Construct, id: string, props: EventsProps) {
    super(scope, id);
    this.bus = new EventBus(this, 'Bus', { description: 'flamel.connections events: connection expired, restored, connected...' });
    const undelivered = serviceDeadLetterQueue(this, 'undelivered-events-dlq', props.observability, 'events EventBridge could not deliver to their target queue');
    for (const spec of RULES) {
      const rule = new Rule(this, spec.name, {
        eventBus: this.bus,
        description: `${spec.name} -> ${spec.targets.join(', ')}`,
        eventPattern: { source: [...spec.pattern.source], detailType: [...spec.pattern['detail-type']] },
      });
      for (const target of spec.targets) rule.addTarget(new SqsQueue(props.queues[target], { deadLetterQueue: undelivered }));
      this.rules[spec.name] = rule;
    }
  }
}
