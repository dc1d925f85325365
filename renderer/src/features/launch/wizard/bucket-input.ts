/** A bucket field's text read as the user meant it: an `s3://bucket/path` URL splits into bucket and prefix. */
export interface BucketInput {
  bucket: string;
  /** The path after the bucket, when the text was a URL with one ("" otherwise). */
  prefix: string;
  /** What was changed, said to the user; undefined when the text was a plain bucket name. */
  note?: string;
}

/**
 * People paste what the S3 console and the CLI show: "s3://acme-ml-data/runs/a/". The field
 * takes a bucket name, so the scheme is dropped (with a note) and a path becomes the prefix.
 */
export function readBucketInput(typed: string): BucketInput {
  const match = /^\s*s3:\/\/([^/\s]*)\/*(.*?)\/*\s*$/i.exec(typed);
  if (!match) return { bucket: typed, prefix: '' };
  const bucket = match[1] ?? '';
  const prefix = match[2] ?? '';
  return {
    bucket,
    prefix,
    note: prefix
      ? `Removed “s3://” and moved “${prefix}” to Prefix: the Bucket field takes the bucket name only.`
      : 'Removed “s3://”: the Bucket field takes the bucket name only.',
  };
}
