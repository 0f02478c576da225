// CloudFormation must never give up on a task resource before the provider does: otherwise a
// Create that timed out has no physical id, and its rollback cannot delete the task it made.
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { FirmwareImage, FuotaTask, OtaJobDocument, OtaTask, OtaType } from '../src';
import { POLLING_BUDGET_SECONDS } from '../src/shared/polling-budget';

test.each(['Custom::IoTWirelessFuotaTask', 'Custom::IoTManagedIntegrationsOtaTask'])(
  '%s: ServiceTimeout exceeds the provider worst case (onEvent + the handlers\' polling budget + interval + one last isComplete)',
  (resourceType) => {
    const stack = new Stack(new App(), 'Stack', { env: { account: '123456789012', region: 'eu-west-1' } });
    new FuotaTask(stack, 'Fuota', { firmware: FirmwareImage.fromAsset(path.join(__dirname, '..', 'example', 'firmware', 'sensor-v2.bin')) });
    new OtaTask(stack, 'Ota', { jobDocument: OtaJobDocument.fromJson({ v: 1 }), otaType: OtaType.CONTINUOUS, otaTargetQueryString: 'a=b' });
    const template = Template.fromStack(stack);
    const prefix = resourceType.includes('Wireless') ? 'CdkIotOtaTasksFuotaProvider' : 'CdkIotOtaTasksOtaProvider';

    const functions = template.findResources('AWS::Lambda::Function');
    const timeoutOf = (id: string) => Object.entries(functions).find(([logicalId]) => logicalId.startsWith(`${prefix}${id}`))![1].Properties.Timeout;
    const onEvent = timeoutOf('OnEvent');
    const isComplete = timeoutOf('IsComplete');

    const [machine] = Object.entries(template.findResources('AWS::StepFunctions::StateMachine')).filter(([id]) => id.startsWith(prefix)).map(([, m]) => m);
    const definition = JSON.parse(machine.Properties.DefinitionString['Fn::Join'][1].map((part: unknown) => (typeof part === 'string' ? part : 'arn')).join(''));
    const [retry] = definition.States['framework-isComplete-task'].Retry;

    const [resource] = Object.values(template.findResources(resourceType));
    const serviceTimeout = Number(resource.Properties.ServiceTimeout);
    // isComplete asks to be polled again only inside the budget (polling-budget.ts): the call after
    // the last "not yet" starts an interval later and completes or fails within its timeout.
    const worstCase = onEvent + POLLING_BUDGET_SECONDS + retry.IntervalSeconds + isComplete;
    // What the timeouts leave out: two Lambda inits (up to 10 s each), CloudFormation's delivery and
    // the framework's cold starts, Step Functions latency, and the framework's response retries (~31 s).
    const outsideTheTimeouts = 60;
    expect(serviceTimeout).toBeGreaterThanOrEqual(worstCase + outsideTheTimeouts);
    expect(serviceTimeout).toBeLessThan(3600);
  },
);
