/**
 * Error answers in each service's own format. The two API services speak restJson1: the error
 * name in the `x-amzn-errortype` header and a JSON body whose members are the error shape's (both
 * models spell the message member `Message`). S3 answers `<Error><Code/><Message/></Error>` XML.
 * EventBridge speaks awsJson1_1: `{ "__type": ..., "message": ... }`.
 */
import { ApiServiceName, constraintTables } from './constraint-table';
import { EVENTS_ERROR_STATUS } from './events-service';

export type ServiceName = ApiServiceName | 's3' | 'events';

/** A refusal the emulator answers with; `type` is the error shape's name (or S3's error code). */
export class ServiceError extends Error {
  constructor(
    public readonly type: string,
    message: string,
    /** Extra members of the error shape, such as ResourceId and ResourceType; kept only where the shape has them. */
    public readonly fields: { readonly [member: string]: string } = {},
    /** For error types the model does not define; modeled ones take the model's `@httpError`. */
    public readonly status?: number,
  ) {
    super(message);
    this.name = type;
  }
}

export const validationError = (message: string) => new ServiceError('ValidationException', message);
export const conflict = (message: string, fields: { [member: string]: string } = {}) => new ServiceError('ConflictException', message, fields);
export const notFound = (resourceType: string, id: string) =>
  new ServiceError('ResourceNotFoundException', `${resourceType} ${id} does not exist`, { ResourceId: id, ResourceType: resourceType });

export interface HttpAnswer {
  readonly status: number;
  readonly headers: { readonly [name: string]: string };
  readonly body: string;
}

/** S3 error codes the emulator uses, with the status S3 gives them. */
const S3_STATUS: { readonly [code: string]: number } = {
  AccessDenied: 403,
  SignatureDoesNotMatch: 403,
  InvalidAccessKeyId: 403,
  AuthorizationHeaderMalformed: 403,
  NoSuchKey: 404,
  MethodNotAllowed: 405,
  InvalidRequest: 400,
  XAmzContentSHA256Mismatch: 400,
  InternalError: 500,
  SlowDown: 503,
};

/** The status an error answer of `type` has in `service`. */
export function errorStatus(service: ServiceName, type: string, explicit?: number): number {
  if (explicit !== undefined) return explicit;
  if (service === 's3') return S3_STATUS[type] ?? 400;
  if (service === 'events') return EVENTS_ERROR_STATUS[type] ?? 400;
  return constraintTables().services[service].errors[type]?.status ?? 400;
}

export function errorAnswer(service: ServiceName, error: ServiceError, requestId: string): HttpAnswer {
  const status = errorStatus(service, error.type, error.status);
  if (service === 's3') {
    const body = '<?xml version="1.0" encoding="UTF-8"?>\n'
      + `<Error><Code>${xml(error.type)}</Code><Message>${xml(error.message)}</Message><RequestId>${requestId}</RequestId></Error>`;
    return { status, headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId }, body };
  }
  if (service === 'events') {
    return {
      status,
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId },
      body: JSON.stringify({ __type: error.type, message: error.message }),
    };
  }
  const members = constraintTables().services[service].errors[error.type]?.members;
  const messageMember = members?.find((member) => member.toLowerCase() === 'message') ?? 'message';
  const fields = Object.fromEntries(Object.entries(error.fields).filter(([member]) => members?.includes(member)));
  return {
    status,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': error.type, 'x-amzn-requestid': requestId },
    body: JSON.stringify({ [messageMember]: error.message, ...fields }),
  };
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
