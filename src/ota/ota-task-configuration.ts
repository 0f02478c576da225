import { CustomResource, Duration, IResource, RemovalPolicy, Resource, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { checkManagedIntegrationsRegion } from './managed-integrations-region';
import { OtaFailureType } from './ota-enums';
import { OtaTaskProvider } from './ota-task-provider';
import { OTA_TASK_CONFIGURATION_RULES, OTA_TASK_RULES } from './ota-task-rules';
import { OTA_TASK_CONFIGURATION_RESOURCE_TYPE, OtaTaskConfigurationResourceProperties } from './ota-task.types';
import { assertRule, FieldRule } from '../shared/constraints';
import { propChecker } from '../shared/prop-checker';
import { numberProperty as num } from '../shared/property-values';
import { applyTaskRemovalPolicy, newTaskResource, refuseSnapshot } from '../shared/task-resource';
import { TaskResourceOptions } from '../shared/task-resource-options';

/** What error messages call OTA task configurations. */
const OTA_TASK_CONFIGURATIONS = 'OTA task configurations';

/** An OTA task configuration of AWS IoT Managed Integrations. */
export interface IOtaTaskConfiguration extends IResource {
  /**
   * The id of the configuration.
   * @attribute
   */
  readonly otaTaskConfigurationId: string;
}

/** When to stop a rollout that is failing. */
export interface OtaAbortCriteria {
  /** Which execution outcomes count. */
  readonly failureType: OtaFailureType;
  /** How many things must have run the update before the rule applies (1 to 100). */
  readonly minNumberOfExecutedThings: number;
  /** The share of counted outcomes, in percent (at most 100), that cancels the rollout. */
  readonly thresholdPercentage: number;
}

/** When the rollout rate increases. */
export interface OtaRateIncreaseCriteria {
  /**
   * Increase after this many things were notified (1 to 100).
   * @default - not a criterion
   */
  readonly numberOfNotifiedThings?: number;
  /**
   * Increase after this many things succeeded (1 to 100).
   * @default - not a criterion
   */
  readonly numberOfSucceededThings?: number;
}

/** How fast the update is pushed to things. */
export interface OtaRolloutConfig {
  /**
   * Things notified per minute at the start (1 to 100).
   * @default - the service's default
   */
  readonly baseRatePerMinute?: number;
  /**
   * Factor by which the rate grows (1.1 to 5).
   * @default - the service's default
   */
  readonly incrementFactor?: number;
  /**
   * When the rate grows.
   * @default - the service's default
   */
  readonly rateIncreaseCriteria?: OtaRateIncreaseCriteria;
  /**
   * The highest rate, in things per minute (at least 1).
   * @default - the service's default
   */
  readonly maximumPerMinute?: number;
}

/** Push settings of an OTA task configuration. */
export interface OtaPushConfig {
  /**
   * Rules that cancel a failing rollout.
   * @default - no abort rules
   */
  readonly abortCriteria?: OtaAbortCriteria[];
  /**
   * The rollout rate.
   * @default - the service's default rate
   */
  readonly rollout?: OtaRolloutConfig;
  /**
   * How long an execution may stay in progress (1 minute to 7 days, whole minutes).
   * @default - the service's default
   */
  readonly inProgressTimeout?: Duration;
}

/** Properties of an `OtaTaskConfiguration`. */
export interface OtaTaskConfigurationProps extends TaskResourceOptions {
  /**
   * The configuration's name (1 to 128 letters, digits, spaces, `-` or `_`).
   * @default - no name
   */
  readonly otaTaskConfigurationName?: string;
  /**
   * A description (1 to 256 letters, digits, spaces, `-` or `_`).
   * @default - no description
   */
  readonly description?: string;
  /**
   * Rollout, abort and timeout settings.
   * @default - the service's defaults
   */
  readonly pushConfig?: OtaPushConfig;
}

/**
 * Rollout, abort and timeout settings shared by OTA tasks of AWS IoT Managed Integrations. The
 * service cannot update a configuration, so any change creates a new one (and the tasks that use
 * it are updated to the new id); the old one is deleted afterwards.
 */
export class OtaTaskConfiguration extends Resource implements IOtaTaskConfiguration {
  /**
   * Refers to an existing configuration by id.
   * @param otaTaskConfigurationId the configuration's id
   */
  public static fromOtaTaskConfigurationId(scope: Construct, id: string, otaTaskConfigurationId: string): IOtaTaskConfiguration {
    if (!Token.isUnresolved(otaTaskConfigurationId)) {
      assertRule(`${scope.node.path}/${id}`, { ...OTA_TASK_CONFIGURATION_ID_RULE }, otaTaskConfigurationId);
    }
    class Import extends Resource implements IOtaTaskConfiguration {
      public readonly otaTaskConfigurationId = otaTaskConfigurationId;
    }
    return new Import(scope, id);
  }

  public readonly otaTaskConfigurationId: string;

  /** The custom resource; `node.defaultChild` of this construct. */
  private readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: OtaTaskConfigurationProps = {}) {
    super(scope, id);
    checkManagedIntegrationsRegion(this);
    validate(this.node.path, props);
    refuseSnapshot(this, props.removalPolicy, OTA_TASK_CONFIGURATIONS);

    const properties: OtaTaskConfigurationResourceProperties = {
      Name: props.otaTaskConfigurationName,
      Description: props.description,
      PushConfig: renderPushConfig(props.pushConfig),
    };
    this.resource = newTaskResource(this, {
      serviceToken: OtaTaskProvider.getOrCreate(this, props.providerOptions).serviceToken,
      resourceType: OTA_TASK_CONFIGURATION_RESOURCE_TYPE,
      properties,
      removalPolicy: props.removalPolicy,
    });
    this.otaTaskConfigurationId = this.resource.ref;
  }

  /**
   * Sets the configuration's DeletionPolicy and UpdateReplacePolicy (as the `removalPolicy` prop does).
   * SNAPSHOT is refused: there is nothing to snapshot.
   */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    applyTaskRemovalPolicy(this, this.resource, policy, OTA_TASK_CONFIGURATIONS);
  }
}

const OTA_TASK_CONFIGURATION_ID_RULE: FieldRule = { ...OTA_TASK_RULES.taskConfigurationId, field: 'otaTaskConfigurationId' };

function validate(path: string, props: OtaTaskConfigurationProps): void {
  const R = OTA_TASK_CONFIGURATION_RULES;
  const check = propChecker(path);
  check(R.name, props.otaTaskConfigurationName);
  check(R.description, props.description);
  const push = props.pushConfig;
  for (const criteria of push?.abortCriteria ?? []) {
    check(R.abortFailureType, criteria.failureType);
    check(R.minNumberOfExecutedThings, criteria.minNumberOfExecutedThings);
    check(R.thresholdPercentage, criteria.thresholdPercentage);
  }
  check(R.baseRatePerMinute, push?.rollout?.baseRatePerMinute);
  check(R.incrementFactor, push?.rollout?.incrementFactor);
  check(R.numberOfNotifiedThings, push?.rollout?.rateIncreaseCriteria?.numberOfNotifiedThings);
  check(R.numberOfSucceededThings, push?.rollout?.rateIncreaseCriteria?.numberOfSucceededThings);
  check(R.maximumPerMinute, push?.rollout?.maximumPerMinute);
  if (push?.inProgressTimeout && !Token.isUnresolved(push.inProgressTimeout.toSeconds())) {
    const seconds = push.inProgressTimeout.toSeconds();
    if (seconds % 60 !== 0) {
      throw new Error(`${path}: pushConfig.inProgressTimeout must be whole minutes, got ${push.inProgressTimeout.toHumanString()}`);
    }
    check(R.inProgressTimeoutMinutes, seconds / 60);
  }
}

function renderPushConfig(push: OtaPushConfig | undefined): OtaTaskConfigurationResourceProperties['PushConfig'] {
  if (!push) return undefined;
  const rollout = push.rollout;
  const rate = rollout && (rollout.baseRatePerMinute !== undefined || rollout.incrementFactor !== undefined || rollout.rateIncreaseCriteria)
    ? {
      BaseRatePerMinute: num(rollout.baseRatePerMinute),
      IncrementFactor: num(rollout.incrementFactor),
      RateIncreaseCriteria: rollout.rateIncreaseCriteria && {
        numberOfNotifiedThings: num(rollout.rateIncreaseCriteria.numberOfNotifiedThings),
        numberOfSucceededThings: num(rollout.rateIncreaseCriteria.numberOfSucceededThings),
      },
    }
    : undefined;
  return {
    AbortConfig: push.abortCriteria?.length ? {
      AbortConfigCriteriaList: push.abortCriteria.map((c) => ({
        Action: 'CANCEL',
        FailureType: c.failureType,
        MinNumberOfExecutedThings: num(c.minNumberOfExecutedThings)!,
        ThresholdPercentage: num(c.thresholdPercentage)!,
      })),
    } : undefined,
    RolloutConfig: rollout ? { ExponentialRolloutRate: rate, MaximumPerMinute: num(rollout.maximumPerMinute) } : undefined,
    TimeoutConfig: push.inProgressTimeout ? { InProgressTimeoutInMinutes: num(push.inProgressTimeout.toMinutes())! } : undefined,
  };
}
