// The public names of what the rollout controller publishes: its metrics (in the campaign
// namespace) and its EventBridge events. Like the campaign metrics, renaming any of them breaks
// users' alarms and rules, so a test pins every value.

/** Dimensions of every rollout metric: the stack's name and the rollout's name. */
export const ROLLOUT_DIMENSIONS = {
  stack: 'StackName',
  rollout: 'Rollout',
} as const;

/** Rollout metrics: one datapoint per rollout per monitor tick until its last wave has started. */
export const ROLLOUT_METRICS = {
  /** Waves the rollout declares. Count. */
  waves: 'RolloutWaves',
  /** Waves started so far. Count. */
  wavesStarted: 'RolloutWavesStarted',
  /** 1 while the rollout is halted (a wave failed its gate), else 0. None. */
  halted: 'RolloutHalted',
  /** 1 while the next wave waits for `cdk-iot-ota-tasks approve`, else 0. None. */
  awaitingApproval: 'RolloutAwaitingApproval',
} as const;

/** The `source` of the controller's EventBridge events (default event bus). */
export const ROLLOUT_EVENT_SOURCE = 'cdk-iot-ota-tasks';

/** The `detail-type`s of the controller's events. */
export const ROLLOUT_EVENT_TYPES = {
  /** The controller started a wave (`detail.wave`, `detail.reason`). */
  waveStarted: 'Rollout Wave Started',
  /** A wave failed its gate: the rollout halted before `detail.wave` (`detail.reason` holds the figures). */
  halted: 'Rollout Halted',
} as const;
