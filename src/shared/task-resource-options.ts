import { RemovalPolicy } from 'aws-cdk-lib';
import { TaskProviderOptions } from './task-provider-options';

/** Options every custom resource of the library takes. */
export interface TaskResourceOptions {
  /**
   * What happens to the service resource when it leaves the stack. `RETAIN` keeps it (CloudFormation
   * never calls the handler's delete). `SNAPSHOT` is not supported.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Settings of the stack's shared provider (runtime, logs, VPC, permissions boundary, function
   * names). All resources of a service in a stack share it: the first one that creates it sets them.
   * @default - Node.js 22, logs kept one year, no VPC
   */
  readonly providerOptions?: TaskProviderOptions;
}

/** Options of the tasks (FUOTA and OTA), which also have stack outputs. */
export interface TaskOptions extends TaskResourceOptions {
  /**
   * Whether to add stack outputs with the task's ARN and id, named after the task's logical id
   * (`<id>Arn…` and `<id>Id…`). A stack holds at most 200 outputs, so turn this off for stacks with
   * many tasks.
   * @default true
   */
  readonly outputs?: boolean;
}
