import { z } from 'zod';

/** `user@host:port` of an existing machine (ssh-host backend). */
export const sshAddressSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+(:\d{1,5})?$/,
    'the host is user@host or user@host:port, e.g. ubuntu@10.0.0.5:22',
  );

/**
 * An existing machine to train on instead of a new EC2 instance (the ssh-host backend): the
 * run config's `sshHost` section, and the CLI's `--host`/`--identity`/`--host-key`.
 */
export const sshHostSchema = z
  .object({
    address: sshAddressSchema,
    /** Private key file for the login (a path; the key stays on this computer). */
    identityFile: z
      .string()
      .min(1, 'the identity file is required: the private key that logs in to the machine')
      .max(4096),
    /** Known host key fingerprint (`SHA256:…`); omitted = pin at first sight. */
    hostKeyFingerprint: z
      .string()
      .regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'a host key fingerprint looks like SHA256: followed by 43 characters')
      .optional(),
  })
  .strict();

/** The ssh-host section. */
export type SshHostConfig = z.infer<typeof sshHostSchema>;
