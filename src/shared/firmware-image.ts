import * as fs from 'fs';
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
}

/** Options for `FirmwareImage.fromAsset`. */
export interface FirmwareImageAssetOptions {
  /**
   * Content hash to use instead of hashing the file, e.g. a firmware version string.
   * @default - the hash of the file's content
   */
  readonly assetHash?: string;
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
   */
  public static fromBucket(bucket: s3.IBucket, key: string): FirmwareImage {
    return new BucketFirmwareImage(bucket, key);
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
    return { bucket: asset.bucket, objectKey: asset.s3ObjectKey, s3Uri: asset.s3ObjectUrl, localPath: this.path };
  }
}

class BucketFirmwareImage extends FirmwareImage {
  constructor(private readonly bucket: s3.IBucket, private readonly key: string) {
    super();
  }

  public bind(scope: Construct): FirmwareImageConfig {
    if (this.key.length === 0 || this.key.startsWith('/')) {
      throw new Error(`${scope.node.path}: firmware key must be a non-empty S3 object key without a leading "/", got ${JSON.stringify(this.key)}`);
    }
    return { bucket: this.bucket, objectKey: this.key, s3Uri: this.bucket.s3UrlForObject(this.key) };
  }
}
