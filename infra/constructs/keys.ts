import { RemovalPolicy, SecretValue, Validations } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { PLATFORMS } from '../../shared/config/platforms.js';

/**
 * Key material and secrets: the KMS key that wraps the data keys encrypting stored OAuth tokens, and
 * the Secrets Manager secret holding each platform's app credentials.
 */
export class Keys extends Construct {
  /** Envelope encryption of access and refresh tokens (GenerateDataKey / Decrypt only). */
  readonly tokenKey: Key;
  /**
   * `{ facebook: {clientId, clientSecret}, instagram: {...}, linkedin: {...}, tiktok: {...}, x: {...} }`,
   * read by functions/lib/aws/platform-credentials.ts (cached for 5 minutes, so a rotation reaches warm
   * functions within that: infra/README.md): before each invocation, or for publish when a call needs it.
   * Deployed with empty placeholders; the real values are put with `aws secretsmanager put-secret-value`
   * (infra/README.md). CloudFormation leaves the value alone on later deploys as long as the placeholder
   * in the template does not change.
   */
  readonly platformSecret: Secret;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.tokenKey = new Key(this, 'TokenKey', {
      description: 'Wraps the data keys that encrypt stored OAuth tokens',
      enableKeyRotation: true,
      // Deleting the key would make every stored token unreadable.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.platformSecret = new Secret(this, 'PlatformCredentials', {
      description: 'OAuth client ids and secrets of the social platforms (JSON keyed by platform)',
      // A placeholder of the right shape, no secret in it: the template never carries real credentials.
      secretStringValue: SecretValue.unsafePlainText(
        JSON.stringify(Object.fromEntries(PLATFORMS.map((p) => [p, { clientId: '', clientSecret: '' }]))),
      ),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.platformSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'OAuth client secrets are issued by each platform\'s developer console (Meta, LinkedIn, TikTok, X); no ' +
        'Secrets Manager rotation function can mint new ones. They are rotated by hand in the console and put ' +
        'into this secret (infra/README.md).',
    });
  }
}
