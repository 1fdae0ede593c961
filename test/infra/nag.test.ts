import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { synth, type Synthesized } from './fixture.js';

let s: Synthesized;

beforeAll(() => {
  s = synth();
});

function walk(c: IConstruct): IConstruct[] {
  return [c, ...c.node.children.flatMap(walk)];
}

describe('cdk-nag AwsSolutions', () => {
  it('reports no unacknowledged finding', () => {
    const report = new AwsSolutionsChecks().validateScope(s.app);
    const findings = report.violations.map((v) => `${v.ruleName} (${v.severity}) ${v.violatingResources.map((r) => r.constructPath).join(', ')}: ${v.description}`);
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('synthesises as `npm run synth` does: cdk-nag as a validation plugin plus CDK\'s CloudFormation validation', { timeout: 180_000 }, () => {
    // createApp registered AwsSolutionsChecks; a finding (or an invalid template) makes synth throw ValidationFailed.
    const full = synth({}, { cfnValidation: true });
    const assembly = full.app.synth({ force: true });
    expect(assembly.getStackByName(full.stack.stackName).template).toHaveProperty('Resources');
  });

  it('gives every acknowledgement a written reason', () => {
    const acknowledged: { path: string; id: string; reason: string }[] = [];
    for (const c of walk(s.stack)) {
      for (const entry of c.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) acknowledged.push({ path: c.node.path, id, reason });
      }
    }
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const a of acknowledged) expect(a.reason.trim().length, `${a.id} on ${a.path}`).toBeGreaterThan(40);
    // Only these rules are acknowledged anywhere (a new kind of finding needs a look, not a reflex).
    expect([...new Set(acknowledged.map((a) => a.id.replace(/^annotation::/i, '').replace(/\[.*$/, '')))].sort()).toEqual([
      'AwsSolutions-APIG4',
      'AwsSolutions-CFR1',
      'AwsSolutions-CFR2',
      'AwsSolutions-CFR4',
      'AwsSolutions-IAM4',
      'AwsSolutions-IAM5',
      'AwsSolutions-L1',
      'AwsSolutions-S1',
      'AwsSolutions-SMG4',
      'AwsSolutions-SQS3',
      // Recorded by aws-cdk-lib itself on a bucket that receives S3 access logs (its LogDeliveryWrite ACL).
      'CloudFormation-Validate::W3045',
    ]);
  });
});
