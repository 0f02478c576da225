import { GetFuotaTaskCommand, IoTWirelessClient, StartFuotaTaskCommand } from '@aws-sdk/client-iot-wireless';
import { isStarted } from './live-task';
import { serviceErrorIs } from '../../shared/service-call';

/** Sends one request under the caller's retry and deadline rules (callService). */
export type WirelessCall = <T>(operation: string, send: () => Promise<T>) => Promise<T>;

/**
 * StartFuotaTask, safe to repeat: a start retried after a lost answer, or sent by two callers at
 * once (the deployment and the rollout controller, or two controller ticks), meets a
 * ConflictException from a task that has started, and that is the start it asked for. A conflict
 * from a task that has not started is a real refusal and is thrown.
 */
export async function startFuotaTaskOnce(client: IoTWirelessClient, id: string, startTime: Date, call: WirelessCall): Promise<'started' | 'already started'> {
  try {
    await call('StartFuotaTask', () => client.send(new StartFuotaTaskCommand({ Id: id, LoRaWAN: { StartTime: startTime } })));
    return 'started';
  } catch (error) {
    if (!serviceErrorIs(error, 'ConflictException')) throw error;
    const task = await call('GetFuotaTask', () => client.send(new GetFuotaTaskCommand({ Id: id })));
    if (!isStarted(task)) throw error;
    return 'already started';
  }
}
