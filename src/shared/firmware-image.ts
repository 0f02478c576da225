import * as fs from 'fs';
import { Annotations, Resource } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3_assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';

/** Where a firmware image sits once bound to a construct. */
export interface FirmwareImageConfig {
  /** The bucket that holds the image. */
  readonly bucket: s3.IBucket;
  /** The image's object key. */
  readonly objectKey: string;
  /** `s3://bucket/key`, the form IoT Wireless takes as `FirmwareUpdateImage`. */
  readonly s3Uri: string;
  /**
   * The local file the image was uploaded from.
   * @default - the image was not a local file
   */
  readonly localPath?: string;
  /**
   * The KMS key the image is encrypted with, when known.
   * @default - the bucket's `encryptionKey`, if any
   */
  readonly encryptionKey?: kms.IKey;
}

/** Options for `FirmwareImage.fromAsset`. */
export interface FirmwareImageAssetOptions {
  /**
   * Content hash to use instead of hashing the file, e.g. a firmware version string.
   * @default - the hash of the file's content
   */
  readonly assetHash?: string;

  /**
   * The customer managed KMS key of the CDK assets bucket, if the account was bootstrapped with one
   * whose key policy does not already let the account's principals use it through S3 (the key that
   * `cdk bootstrap --bootstrap-customer-key` creates does). The firmware role is granted
   * `kms:Decrypt` on it.
   * @default - the firmware role may decrypt with any key of the stack's account, through S3 and
   * for this image only
   */
  readonly encryptionKey?: kms.IKey;
}

/** Options for `FirmwareImage.fromBucket`. */
export interface FirmwareImageBucketOptions {
  /**
   * The KMS key the image is encrypted with (SSE-KMS), when the bucket does not say: an imported
   * bucket carries no key unless imported with one. The firmware role is granted `kms:Decrypt` on it.
   * @default - the bucket's `encryptionKey`; for an imported bucket without one, the firmware role may
   * decrypt with any key of the stack's account, through S3 and for this image only, and synth warns
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * A firmware image in Amazon S3: a local file that CDK uploads as an asset, or an object in a
 * bucket you manage.
 */
export abstract class FirmwareImage {
  /**
   * A local file, uploaded to the CDK assets bucket at deployment.
   * @param path absolute path of the image file (e.g. `path.join(__dirname, 'firmware/v2.bin')`)
   * @param options how the asset is hashed
   */
  public static fromAsset(path: string, options: FirmwareImageAssetOptions = {}): FirmwareImage {
    return new AssetFirmwareImage(path, options);
  }

  /**
   * An object in a bucket you manage. The firmware role is granted read access to this key only.
   * @param bucket the bucket holding the image
   * @param key the object key, e.g. `firmware/v2.bin`
   * @param options the image's encryption key, when the bucket does not name it
   */
  public static fromBucket(bucket: s3.IBucket, key: string, options: FirmwareImageBucketOptions = {}): FirmwareImage {
    return new BucketFirmwareImage(bucket, key, options);
  }

  /**
   * Binds the image to the construct that uses it, creating the asset where there is one.
   * @param scope the construct that uses the image; errors name its path
   */
  public abstract bind(scope: Construct): FirmwareImageConfig;
}

class AssetFirmwareImage extends FirmwareImage {
  constructor(private readonly path: string, private readonly options: FirmwareImageAssetOptions) {
    super();
  }

  public bind(scope: Construct): FirmwareImageConfig {
    const subject = `${scope.node.path}: firmware`;
    if (!fs.existsSync(this.path)) {
      throw new Error(`${subject} file ${JSON.stringify(this.path)} does not exist`);
    }
    if (!fs.statSync(this.path).isFile()) {
      throw new Error(`${subject} ${JSON.stringify(this.path)} is a directory, not a file: point FirmwareImage.fromAsset at the image file`);
    }
    const asset = new s3_assets.Asset(scope, 'FirmwareImage', { path: this.path, assetHash: this.options.assetHash });
    return {
      bucket: asset.bucket, objectKey: asset.s3ObjectKey, s3Uri: asset.s3ObjectUrl, localPath: this.path, encryptionKey: this.options.encryptionKey,
    };
  }
}

class BucketFirmwareImage extends FirmwareImage {
  constructor(private readonly bucket: s3.IBucket, private readonly key: string, private readonly options: FirmwareImageBucketOptions) {
    super();
  }

  public bind(scope: Construct): FirmwareImageConfig {
    if (this.key.length === 0 || this.key.startsWith('/')) {
      throw new Error(`${scope.node.path}: firmware key must be a non-empty S3 object key without a leading "/", got ${JSON.stringify(this.key)}`);
    }
    const encryptionKey = this.options.encryptionKey ?? this.bucket.encryptionKey;
    if (!encryptionKey && !Resource.isOwnedResource(this.bucket)) {
      // An imported bucket says nothing of its encryption; an SSE-KMS image whose key the role may
      // not use fails only when the FUOTA session starts, long after the deployment succeeded.
      Annotations.of(scope).addWarningV2('cdk-iot-ota-tasks:firmwareEncryptionUnknown',
        `The encryption of firmware image s3://${this.bucket.bucketName}/${this.key} cannot be known ` +
        '(the bucket is imported without a key). ' +
        'The firmware role may decrypt it with a KMS key of this account through S3; if the key is in another account or its key policy ' +
        'does not allow that, pass it: FirmwareImage.fromBucket(bucket, key, { encryptionKey }).');
    }
    return { bucket: this.bucket, objectKey: this.key, s3Uri: this.bucket.s3UrlForObject(this.key), encryptionKey };
  }
}
