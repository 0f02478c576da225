import * as path from 'path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/** The bundles of this package that run as Lambda functions, by their entry under src/. */
export type FunctionBundle = 'fuota/fuota-task-handler.lambda' | 'ota/ota-task-handler.lambda' | 'monitoring/campaign-monitor.lambda';

/**
 * A Lambda function that runs one of this package's bundles (assets/<bundle>/index.js, built by
 * `npx projen bundle` with the AWS SDK inside): one class for the providers' handlers and the
 * campaign monitor. The runtime is the caller's (Node.js 22 unless the user picks another).
 */
export class BundledFunction extends lambda.Function {
  constructor(scope: Construct, id: string, bundle: FunctionBundle, props: lambda.FunctionOptions & { readonly runtime: lambda.Runtime }) {
    super(scope, id, {
      description: `src/${bundle}.ts`,
      ...props,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(path.join(__dirname, '..', '..', 'assets', bundle)),
    });
    this.addEnvironment('AWS_NODEJS_CONNECTION_REUSE_ENABLED', '1', { removeInEdge: true });
  }
}
