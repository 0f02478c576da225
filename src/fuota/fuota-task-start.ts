import { Duration } from 'aws-cdk-lib';

/**
 * When a FUOTA task starts sending the firmware. IoT Wireless takes no devices, groups or changes
 * once a task has started, and needs the start at least 30 minutes ahead of the StartFuotaTask call.
 */
export class FuotaTaskStart {
  /**
   * Start a fixed time after the task is deployed: the handler calls StartFuotaTask with
   * "now + delay" once the devices or groups are associated.
   * @param delay at least 31 minutes (the service's 30, plus a minute for the deployment itself)
   */
  public static afterDeployment(delay: Duration): FuotaTaskStart {
    return new FuotaTaskStart(delay, undefined);
  }

  /**
   * Start at a fixed instant. An instant already past at synth is refused then (it can never
   * become valid); being at least 30 minutes ahead is checked at deployment, not at synth, so a
   * pipeline that synthesizes early does not break.
   * @param time the start instant
   */
  public static at(time: Date): FuotaTaskStart {
    return new FuotaTaskStart(undefined, time);
  }

  /**
   * The delay after deployment, for `afterDeployment`.
   * @default - not a delayed start
   */
  public readonly delay?: Duration;

  /**
   * The start instant, for `at`.
   * @default - not a fixed start time
   */
  public readonly time?: Date;

  private constructor(delay: Duration | undefined, time: Date | undefined) {
    this.delay = delay;
    this.time = time;
  }
}
