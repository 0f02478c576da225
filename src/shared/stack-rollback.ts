import { isRollingBack } from './cloudformation-stack-status';
import { callService, CallOptions } from './service-call';

/** What a handler needs of CloudFormation: `CloudFormationStackStatus` is one. */
export interface StackStatusReader {
  /** The stack's `StackStatus`, e.g. `UPDATE_ROLLBACK_IN_PROGRESS`. */
  status(stackId: string): Promise<string>;
}

/** What {@link StackRollbackProbe} calls with: the reader and the invocation's retry budget. */
export interface StackRollbackContext extends CallOptions {
  readonly stacks: StackStatusReader;
}

/** Whether the stack is rolling back, or why that could not be learnt. */
export type RollbackVerdict =
  | { readonly rollingBack: boolean; readonly stackStatus: string }
  | { readonly rollingBack: undefined; readonly unknownBecause: string };

/**
 * Tells a rollback Update from a forward one. CloudFormation's rollback Update carries the old
 * properties as `ResourceProperties` and the failed update's as `OldResourceProperties`: the same
 * shape as a forward update that removes what the rollback takes away, so the event alone cannot
 * say which it is, and the stack's status (DescribeStacks) must. Asked at most once per
 * invocation, and only by a handler about to refuse something a rollback must not be refused.
 */
export class StackRollbackProbe {
  private status?: Promise<string>;

  constructor(private readonly stackId: string, private readonly ctx: StackRollbackContext) {}

  /** The stack's status; a failure is reported as callService reports it (`DescribeStacks failed: …`). */
  public stackStatus(): Promise<string> {
    this.status ??= callService('DescribeStacks', () => this.ctx.stacks.status(this.stackId), this.ctx);
    return this.status;
  }

  /** The verdict without throwing, for callers whose safe choice differs when the status is unknown. */
  public async verdict(): Promise<RollbackVerdict> {
    try {
      const stackStatus = await this.stackStatus();
      return { rollingBack: isRollingBack(stackStatus), stackStatus };
    } catch (error) {
      return { rollingBack: undefined, unknownBecause: (error as Error).message };
    }
  }
}
