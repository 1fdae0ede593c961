import { Stack } from 'aws-cdk-lib';
import { ConfigurationSet, EmailIdentity, Identity, SuppressionReasons } from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';

export interface EmailProps {
  /** From address of owner emails; the stack creates its SES email identity. */
  senderEmail: string;
}

/**
 * SES for owner emails: the sender's identity and a configuration set (reputation metrics, account
 * suppression list for bounces and complaints). Email-address identities are verified by clicking the
 * link SES sends; for production use a domain identity with DKIM (infra/README.md).
 */
export class Email extends Construct {
  readonly senderEmail: string;
  readonly identity: EmailIdentity;
  readonly configurationSet: ConfigurationSet;
  /** ARNs `ses:SendEmail` must be allowed on: the identity and the configuration set. */
  readonly sendEmailResources: string[];

  constructor(scope: Construct, id: string, props: EmailProps) {
    super(scope, id);
    this.senderEmail = props.senderEmail;
    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    this.identity = new EmailIdentity(this, 'Sender', {
      identity: Identity.email(props.senderEmail),
      configurationSet: this.configurationSet,
    });
    const configurationSetArn = Stack.of(this).formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: this.configurationSet.configurationSetName,
    });
    this.sendEmailResources = [this.identity.emailIdentityArn, configurationSetArn];
  }
}
