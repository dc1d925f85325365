import type { ExecutorSecrets } from '../../shared/executor/protocol';
import type { WebhookTarget } from '../../shared/notify/webhook';
import { WITHHELD_AWS_ENV } from '../../shared/run-config/secret-env-names';
import { PhaseError } from './phase-error';

/**
 * The secrets document cut into what each step needs, and nothing more: the checkout gets the
 * deploy key, pull/verify/push the S3 credentials and the SSE-C key, the training its secret env,
 * the end of the run the webhook.
 */
export interface StepSecrets {
  /** The deploy key as a Buffer, so that {@link dropDeployKey} can zero it once the checkout is done. */
  checkout: { deployKey?: Buffer };
  storage: Pick<ExecutorSecrets, 'sseKey' | 's3'>;
  /** Name → value, exported into the training's environment only. */
  training: Record<string, string>;
  /**
   * The notification webhook, used once by the executor itself when the run ends, and the key that
   * seals what it says of that post (the desktop then believes it; the training cannot forge it).
   */
  notify: { webhook?: WebhookTarget; lineKey?: string };
}

/**
 * Moves the deploy key and the secret env out of `document` (which is left holding the storage
 * secrets only, so no other reference keeps them alive) into per-step holders.
 */
export function splitSecrets(document: ExecutorSecrets): StepSecrets {
  const steps: StepSecrets = {
    checkout: document.deployKey ? { deployKey: Buffer.from(document.deployKey, 'utf8') } : {},
    storage: { sseKey: document.sseKey, ...(document.s3 ? { s3: document.s3 } : {}) },
    training: { ...document.secretEnv },
    notify: {
      ...(document.webhook ? { webhook: document.webhook } : {}),
      ...(document.lineKey ? { lineKey: document.lineKey } : {}),
    },
  };
  delete document.deployKey;
  delete document.secretEnv;
  delete document.webhook;
  delete document.lineKey;
  return steps;
}

/** After the checkout: the deploy key's bytes are zeroed and its reference cleared (its RAM file is removed by the caller). */
export function dropDeployKey(steps: StepSecrets): void {
  steps.checkout.deployKey?.fill(0);
  delete steps.checkout.deployKey;
}

/** `env` without the AWS credential variables: a local run's executor inherits the desktop's environment. */
export function withoutAwsCredentials(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const kept = { ...env };
  for (const name of WITHHELD_AWS_ENV) delete kept[name];
  return kept;
}

/**
 * The values the training must never see, each with what it is (for the refusal): the SSE-C key,
 * the S3 credentials and the deploy key. Taken before the checkout drops the key.
 */
export function withheldFromTraining(steps: StepSecrets): Array<{ what: string; value: string }> {
  const { storage, checkout, notify } = steps;
  const withheld = [
    { what: 'the SSE-C key', value: storage.sseKey },
    { what: 'the SSE-C key', value: Buffer.from(storage.sseKey, 'base64').toString('hex') },
    ...(storage.s3
      ? [
          { what: 'the S3 secret access key', value: storage.s3.secretAccessKey },
          { what: 'the S3 session token', value: storage.s3.sessionToken ?? '' },
        ]
      : []),
    ...(checkout.deployKey ? [{ what: 'the deploy key', value: checkout.deployKey.toString('utf8').trim() }] : []),
    ...(notify.webhook ? [{ what: 'the notification webhook URL', value: notify.webhook.url }] : []),
    ...(notify.lineKey ? [{ what: "the executor's line key", value: notify.lineKey }] : []),
  ];
  return withheld.filter((secret) => secret.value.length > 0);
}

/**
 * Refuses a training environment that holds a secret of another step, whatever variable carries
 * it (a local run's inherited environment, a secret env file holding the S3 key): the training
 * code is the least trusted thing the executor runs.
 */
export function assertTrainingEnvClean(
  env: NodeJS.ProcessEnv,
  withheld: ReadonlyArray<{ what: string; value: string }>,
): void {
  for (const [name, value] of Object.entries(env)) {
    const found = value === undefined ? undefined : withheld.find((secret) => value.includes(secret.value));
    if (found) {
      throw new PhaseError(
        `the training's environment variable ${name} holds ${found.what}, which only TrainDeck's own steps may use`,
        `Remove ${name} from training.env or training.secretEnv (or from the environment TrainDeck runs in).`,
      );
    }
  }
}
