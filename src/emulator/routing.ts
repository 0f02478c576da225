/**
 * Which operation a request is. The URI templates of both API services come from the constraint
 * table; S3 is path-style `/{bucket}/{key}`. Paths alone are ambiguous (an S3 PutObject to a bucket
 * named `fuota-tasks` looks like StartFuotaTask), so the signing service in the Authorization
 * header decides first, as the real endpoints, being different hosts, would. EventBridge
 * (awsJson1_1) is `POST /` with the operation in `X-Amz-Target: AWSEvents.<Operation>`.
 */
import { ApiServiceName, constraintTables } from './constraint-table';
import { ServiceName } from './errors';
import { EVENTS_OPERATIONS, EVENTS_TARGET_PREFIX } from './events-service';

export interface Route {
  readonly service: ServiceName;
  readonly operation: string;
  /** Decoded path labels by member name (API services), or `bucket` and `key` (S3). */
  readonly labels: { readonly [name: string]: string };
}

/** The route of a request, or undefined when nothing serves its method and path. */
export function route(method: string, rawPath: string, signingService: string | undefined, target?: string): Route | undefined {
  if (signingService === 's3') return s3Route(method, rawPath);
  if (signingService === 'events' || target?.startsWith(EVENTS_TARGET_PREFIX)) return eventsRoute(method, rawPath, target);
  const candidates = apiRoutes(method, rawPath);
  return candidates.find((candidate) => candidate.service === signingService) ?? candidates[0];
}

/** The service whose error format a request that matches no route (or has no signature) gets. */
export function serviceForErrors(rawPath: string, signingService: string | undefined, target?: string): ServiceName {
  if (target?.startsWith(EVENTS_TARGET_PREFIX)) return 'events';
  if (signingService === 's3' || signingService === 'iotwireless' || signingService === 'iotmanagedintegrations' || signingService === 'events') return signingService;
  if (/^\/(fuota-tasks|wireless-devices|tags$)/.test(rawPath)) return 'iotwireless';
  if (/^\/(ota-task|tags\/)/.test(rawPath)) return 'iotmanagedintegrations';
  return 's3';
}

function eventsRoute(method: string, rawPath: string, target: string | undefined): Route | undefined {
  const operation = target?.startsWith(EVENTS_TARGET_PREFIX) ? target.slice(EVENTS_TARGET_PREFIX.length) : undefined;
  if (method !== 'POST' || rawPath !== '/' || !operation || !(EVENTS_OPERATIONS as readonly string[]).includes(operation)) return undefined;
  return { service: 'events', operation, labels: {} };
}

function s3Route(method: string, rawPath: string): Route | undefined {
  const match = /^\/([^/]+)\/(.+)$/.exec(rawPath);
  if (!match || !['PUT', 'GET', 'DELETE'].includes(method)) return undefined;
  const operation = { PUT: 'PutObject', GET: 'GetObject', DELETE: 'DeleteObject' }[method as 'PUT'];
  return { service: 's3', operation, labels: { bucket: decodeLenient(match[1]), key: decodeLenient(match[2]) } };
}

function apiRoutes(method: string, rawPath: string): Route[] {
  const found: Route[] = [];
  const segments = rawPath.split('/').slice(1);
  for (const [service, spec] of Object.entries(constraintTables().services)) {
    for (const [operation, { method: expected, uri }] of Object.entries(spec.operations)) {
      if (expected !== method) continue;
      const labels = matchTemplate(uri, segments);
      if (labels) found.push({ service: service as ApiServiceName, operation, labels });
    }
  }
  return found;
}

/** Labels of `segments` under `uri` (`/fuota-tasks/{Id}`), or undefined when they do not match. */
function matchTemplate(uri: string, segments: readonly string[]): { [name: string]: string } | undefined {
  const parts = uri.split('?')[0].split('/').slice(1);
  if (parts.length !== segments.length) return undefined;
  const labels: { [name: string]: string } = {};
  for (const [index, part] of parts.entries()) {
    const label = /^\{(\w+)\}$/.exec(part);
    if (label && segments[index] !== '') labels[label[1]] = decodeLenient(segments[index]);
    else if (part !== segments[index]) return undefined;
  }
  return labels;
}

/** A percent-decoded path segment or query part; one that is not valid percent-encoding, as it is. */
export function decodeLenient(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
