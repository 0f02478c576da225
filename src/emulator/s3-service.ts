/**
 * The slice of S3 the OTA handler uses, path-style (`/{bucket}/{key}`): PutObject and DeleteObject,
 * plus GetObject so tests and the demo can read a job document back. Any bucket exists; DeleteObject
 * answers 204 whether or not the key existed, as S3 does.
 */
import { createHash } from 'node:crypto';
import { ServiceError } from './errors';
import { OperationResult, ServiceContext } from './operation';

export type S3Operation = 'PutObject' | 'GetObject' | 'DeleteObject';

export interface S3Call {
  readonly operation: S3Operation;
  readonly bucket: string;
  readonly key: string;
  readonly body: Buffer;
  readonly headers: { readonly [name: string]: string | string[] | undefined };
}

export class S3Service {
  constructor(private readonly ctx: ServiceContext) {}

  public handle(call: S3Call): OperationResult {
    const location = `${call.bucket}/${call.key}`;
    switch (call.operation) {
      case 'PutObject': {
        const declared = call.headers['x-amz-content-sha256'];
        if (declared !== undefined && declared !== 'UNSIGNED-PAYLOAD' && declared !== createHash('sha256').update(call.body).digest('hex')) {
          throw new ServiceError('XAmzContentSHA256Mismatch', 'The provided \'x-amz-content-sha256\' header does not match what was computed.');
        }
        const contentType = call.headers['content-type'];
        const stored = this.ctx.state.putObject(call.bucket, call.key, call.body.toString('utf8'),
          typeof contentType === 'string' ? contentType : undefined, this.ctx.clock.now());
        return { status: 200, headers: { etag: stored.etag } };
      }
      case 'GetObject': {
        const stored = this.ctx.state.s3Objects.get(location);
        if (!stored) throw new ServiceError('NoSuchKey', 'The specified key does not exist.');
        return { status: 200, body: stored.body, headers: { 'etag': stored.etag, 'content-type': stored.contentType ?? 'binary/octet-stream' } };
      }
      case 'DeleteObject':
        this.ctx.state.s3Objects.delete(location);
        return { status: 204 };
    }
  }
}
