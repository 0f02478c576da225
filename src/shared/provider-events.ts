/**
 * The events the CDK Provider framework hands to user handlers, and what they return. Declared
 * here rather than imported so the handler bundle depends on nothing from aws-cdk-lib.
 */
export interface ProviderEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly ResourceType: string;
  /** Absent on Create's onEvent; set on every other call. */
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: Record<string, unknown>;
  /** Set on Update only. */
  readonly OldResourceProperties?: Record<string, unknown>;
  readonly ResponseURL?: string;
  /** On isComplete calls: the Data that onEvent returned. */
  readonly Data?: { readonly [key: string]: unknown };
  /** On isComplete calls: when onEvent answered, if it stamped its answer (polling-budget.ts). */
  readonly PollingStartedAt?: string;
}

export interface OnEventResponse {
  readonly PhysicalResourceId?: string;
  readonly Data?: { readonly [key: string]: unknown };
  /** Passed on to every isComplete call of the request, never to CloudFormation (polling-budget.ts). */
  readonly PollingStartedAt?: string;
}

export interface IsCompleteResponse {
  readonly IsComplete: boolean;
  readonly Data?: { readonly [key: string]: unknown };
}
