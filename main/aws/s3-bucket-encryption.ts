import { xmlText } from './s3-lean-requests';

/**
 * Whether a GetBucketEncryption answer's XML blocks SSE-C (a rule whose BlockedEncryptionTypes
 * lists SSE-C). An answer that is not a `ServerSideEncryptionConfiguration` blocks nothing: Ceph
 * RGW 16 does not know the `?encryption` request and answers it as a listing of the bucket's
 * first 1,000 objects, which the SDK then parsed as XML on every sync (~0.1 s of CPU).
 */
export function blocksSseC(xml: string): boolean {
  if (!/<ServerSideEncryptionConfiguration[\s>]/.test(xml)) return false;
  for (const [, blocked] of xml.matchAll(/<BlockedEncryptionTypes>([\s\S]*?)<\/BlockedEncryptionTypes>/g)) {
    for (const [type] of blocked!.matchAll(/<EncryptionType>[^<]*<\/EncryptionType>/g)) {
      if (xmlText(type, 'EncryptionType') === 'SSE-C') return true;
    }
  }
  return false;
}
