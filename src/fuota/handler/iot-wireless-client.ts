import { IoTWirelessClient, IoTWirelessClientConfig } from '@aws-sdk/client-iot-wireless';

/**
 * Longest wait for a connection. Without one (the SDK's default is none) a blackholed endpoint
 * holds the call until Lambda kills the invocation, which the Provider framework reports as a
 * failed request instead of polling again.
 */
export const CONNECTION_TIMEOUT_MS = 3_000;

/**
 * Longest wait for a whole answer, as the signed clients have (signed-http.ts). It fits in the
 * handler's 10-second safety margin even for a call started just before the deadline, so a hung
 * call ends as a `TimeoutError`, which callService retries while time lasts and isComplete turns
 * into "poll again".
 */
export const REQUEST_TIMEOUT_MS = 10_000;

/**
 * The IoT Wireless client of the FUOTA handler: no SDK retries (callService, which knows the
 * invocation's deadline, retries), and both timeouts. `throwOnRequestTimeout` is needed: without it
 * the SDK's handler only logs a warning when `requestTimeout` passes and keeps waiting.
 */
export function iotWirelessClient(config: IoTWirelessClientConfig = {}): IoTWirelessClient {
  return new IoTWirelessClient({
    maxAttempts: 1,
    requestHandler: { connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS, throwOnRequestTimeout: true },
    ...config,
  });
}
