import { createHash } from 'crypto';

/**
 * The idempotency token of a create: the same for every retry of one CloudFormation request (the
 * service then answers with what it already made), different for every other request. 64 hex
 * characters fit both services' token rules (IoT Wireless `^[a-zA-Z0-9-_]+$`, Managed Integrations
 * `^[a-zA-Z0-9=_-]+$`, each 1..64).
 */
export function clientToken(request: { readonly StackId: string; readonly LogicalResourceId: string; readonly RequestId: string }): string {
  return createHash('sha256')
    .update(`${request.StackId}\n${request.LogicalResourceId}\n${request.RequestId}`)
    .digest('hex');
}
