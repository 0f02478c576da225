import * as fs from 'fs';
import { Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { jsonViolation } from './json-document';
import { OTA_JOB_DOCUMENT_MAX_BYTES } from './ota-task-rules';

/** Where an OTA job document comes from, once bound to a task. */
export interface OtaJobDocumentConfig {
  /**
   * The document's JSON text, for the library to store in its own bucket. May contain tokens.
   * @default - the document is in `bucket` at `objectKey`
   */
  readonly content?: string;
  /**
   * A bucket of yours that holds the document.
   * @default - the library's job-document bucket
   */
  readonly bucket?: s3.IBucket;
  /**
   * The document's key in `bucket`.
   * @default - the library picks the key
   */
  readonly objectKey?: string;
}

/**
 * The OTA job document of a Managed Integrations OTA task: the JSON that the device agent reads (it
 * names the firmware to fetch). `S3Url` points at this document, not at the firmware.
 */
export abstract class OtaJobDocument {
  /**
   * A JSON file in your project. Its content is stored in the stack's job-document bucket.
   * @param path path of the JSON file (e.g. `path.join(__dirname, 'ota/job.json')`)
   */
  public static fromAsset(path: string): OtaJobDocument {
    return new FileJobDocument(path);
  }

  /**
   * A JSON document you write in code; CDK tokens (e.g. a bucket name) are resolved at deployment.
   * It is stored in the stack's job-document bucket. Values JSON cannot carry (`undefined`, `NaN`,
   * `Infinity`, functions, symbols, bigints, class instances such as a `Map`) are refused at synth
   * rather than dropped or turned into `null`.
   * @param document the job document
   */
  public static fromJson(document: { [key: string]: any }): OtaJobDocument {
    return new InlineJobDocument(document);
  }

  /**
   * A document already in a bucket of yours. When the bucket is defined in this app, its policy gets
   * a statement that lets IoT Managed Integrations read the key; for an imported bucket, synth warns
   * with the statement to add.
   * @param bucket the bucket holding the document
   * @param key the document's object key
   */
  public static fromBucket(bucket: s3.IBucket, key: string): OtaJobDocument {
    return new BucketJobDocument(bucket, key);
  }

  /**
   * Binds the document to the task that uses it.
   * @param scope the task; errors name its path
   */
  public abstract bind(scope: Construct): OtaJobDocumentConfig;
}

class FileJobDocument extends OtaJobDocument {
  constructor(private readonly path: string) {
    super();
  }

  public bind(scope: Construct): OtaJobDocumentConfig {
    const subject = `${scope.node.path}: jobDocument`;
    if (!fs.existsSync(this.path) || !fs.statSync(this.path).isFile()) {
      throw new Error(`${subject} file ${JSON.stringify(this.path)} does not exist or is not a file`);
    }
    const text = fs.readFileSync(this.path, 'utf8');
    const size = Buffer.byteLength(text);
    if (size > OTA_JOB_DOCUMENT_MAX_BYTES) {
      throw new Error(`${subject} ${JSON.stringify(this.path)} is ${size} bytes; documents stored by the library may be at most ${OTA_JOB_DOCUMENT_MAX_BYTES} bytes: put larger ones in your bucket and use OtaJobDocument.fromBucket`);
    }
    try {
      JSON.parse(text);
    } catch (error) {
      throw new Error(`${subject} ${JSON.stringify(this.path)} is not valid JSON: ${(error as Error).message}`);
    }
    return { content: text };
  }
}

class InlineJobDocument extends OtaJobDocument {
  constructor(private readonly document: { [key: string]: any }) {
    super();
  }

  public bind(scope: Construct): OtaJobDocumentConfig {
    const violation = jsonViolation(this.document);
    if (violation) throw new Error(`${scope.node.path}: jobDocument ${violation}`);
    // toJsonString keeps tokens: they become part of an Fn::Join resolved at deployment, and the
    // handler checks the size of the resolved document.
    const content = Stack.of(scope).toJsonString(this.document);
    // Without tokens the document resolves to its final text now; with tokens to an Fn::Join.
    const text: unknown = Stack.of(scope).resolve(content);
    if (typeof text === 'string' && Buffer.byteLength(text) > OTA_JOB_DOCUMENT_MAX_BYTES) {
      throw new Error(`${scope.node.path}: jobDocument is ${Buffer.byteLength(text)} bytes as JSON; documents stored by the library may be at most ${OTA_JOB_DOCUMENT_MAX_BYTES} bytes: put larger ones in your bucket and use OtaJobDocument.fromBucket`);
    }
    return { content };
  }
}

class BucketJobDocument extends OtaJobDocument {
  constructor(private readonly bucket: s3.IBucket, private readonly key: string) {
    super();
  }

  public bind(scope: Construct): OtaJobDocumentConfig {
    if (this.key.length === 0 || this.key.startsWith('/')) {
      throw new Error(`${scope.node.path}: jobDocument key must be a non-empty S3 object key without a leading "/", got ${JSON.stringify(this.key)}`);
    }
    return { bucket: this.bucket, objectKey: this.key };
  }
}
