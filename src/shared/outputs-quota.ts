import { CfnOutput, Stack } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';

/** CloudFormation's limit on outputs per template. */
export const CFN_MAX_OUTPUTS = 200;

const CHECK_ID = 'CdkIotOtaTasksOutputsQuota';

/**
 * Registers, once per stack, a check that fails synthesis when the stack declares more outputs than
 * CloudFormation accepts, naming the constructs that could turn theirs off. It runs as a
 * validation, so after every aspect has added what it adds.
 */
export function checkStackOutputQuota(scope: IConstruct, optOutHint: string): void {
  const stack = Stack.of(scope);
  if (stack.node.tryFindChild(CHECK_ID)) return;
  const marker = new Construct(stack, CHECK_ID);
  marker.node.addValidation({
    validate: () => {
      const outputs = stack.node.findAll().filter((c) => c instanceof CfnOutput);
      if (outputs.length <= CFN_MAX_OUTPUTS) return [];
      const owners = new Set(outputs.map((output) => output.node.scope).filter((owner) => (owner as any)?.[OUTPUTS_OWNER]));
      const ours = [...owners].map((owner) => owner!.node.path);
      return [
        `Stack ${stack.node.path} declares ${outputs.length} outputs; CloudFormation accepts at most ${CFN_MAX_OUTPUTS}. ` +
        `${optOutHint} (${ours.length} constructs have them on: ${ours.slice(0, 10).join(', ')}${ours.length > 10 ? ', ...' : ''}).`,
      ];
    },
  });
}

/** Marks a construct whose outputs the quota message may suggest turning off. */
export const OUTPUTS_OWNER = Symbol.for('cdk-iot-ota-tasks.outputs-owner');
