/** How an OTA task picks its targets. */
export enum OtaType {
  /** A fixed list of managed things (`targets`), updated once. */
  ONE_TIME = 'ONE_TIME',
  /** Every managed thing matching `otaTargetQueryString`, re-evaluated continually. */
  CONTINUOUS = 'CONTINUOUS',
}

/** The protocol devices download the update with. */
export enum OtaProtocol {
  /** HTTP download. */
  HTTP = 'HTTP',
}

/** How the update reaches devices. */
export enum OtaMechanism {
  /** The service pushes the update to devices. */
  PUSH = 'PUSH',
}

/** What happens to a rollout still running at the scheduled end time. */
export enum OtaEndBehavior {
  /** Stop rolling out to more devices; executions in progress finish. */
  STOP_ROLLOUT = 'STOP_ROLLOUT',
  /** Cancel executions that have not started. */
  CANCEL = 'CANCEL',
  /** Cancel every execution, including those in progress. */
  FORCE_CANCEL = 'FORCE_CANCEL',
}

/** Which failed executions are retried. */
export enum OtaRetryFailureType {
  /** Executions that failed. */
  FAILED = 'FAILED',
  /** Executions that timed out. */
  TIMED_OUT = 'TIMED_OUT',
  /** Executions that failed or timed out. */
  ALL = 'ALL',
}

/** Which execution outcomes count towards aborting a rollout. */
export enum OtaFailureType {
  /** Executions that failed. */
  FAILED = 'FAILED',
  /** Executions the device rejected. */
  REJECTED = 'REJECTED',
  /** Executions that timed out. */
  TIMED_OUT = 'TIMED_OUT',
  /** Any of the above. */
  ALL = 'ALL',
}
