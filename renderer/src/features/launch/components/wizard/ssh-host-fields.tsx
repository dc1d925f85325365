import { Field } from '../../../../components/forms/field';
import type { StepProps } from './step-props';

/** The user's own machine: login, key, optional pinned host key, and the training's time limit (the Compute step's slice of the draft). */
export function SshHostFields({ value, errors, warnings = {}, onFileBlur, onChange }: StepProps<'compute'>) {
  return (
    <div className="field-grid">
      <Field
        label="Machine (user@host:port)"
        name="sshHost.address"
        error={errors['sshHost.address']}
        hint="A Linux machine with bash; Node.js 20+ is installed by the run if missing."
      >
        <input
          className="input input--mono"
          value={value.sshAddress}
          onChange={(e) => onChange({ sshAddress: e.target.value })}
          placeholder="ubuntu@10.0.0.5:22"
          spellCheck={false}
          autoComplete="off"
        />
      </Field>
      <Field
        label="Identity file"
        name="sshHost.identityFile"
        error={errors['sshHost.identityFile']}
        warning={warnings['sshHost.identityFile']}
        hint="Private key that logs in; it stays on this computer."
      >
        <input
          className="input input--mono"
          value={value.sshIdentityFile}
          onChange={(e) => onChange({ sshIdentityFile: e.target.value })}
          onBlur={() => onFileBlur?.('sshHost.identityFile')}
          placeholder="~/.ssh/id_ed25519"
          spellCheck={false}
          autoComplete="off"
        />
      </Field>
      <Field
        label="Host key (optional)"
        name="sshHost.hostKeyFingerprint"
        error={errors['sshHost.hostKeyFingerprint']}
        hint="Empty: preflight shows the key it sees and the run pins it at first sight."
      >
        <input
          className="input input--mono"
          value={value.sshHostKey}
          onChange={(e) => onChange({ sshHostKey: e.target.value })}
          placeholder="SHA256:…"
          spellCheck={false}
          autoComplete="off"
        />
      </Field>
      <Field
        label="Max runtime (minutes)"
        name="compute.ttlMinutes"
        error={errors['compute.ttlMinutes']}
        hint="Training is stopped and its data pushed at this limit; empty = 24 h. The machine stays on."
      >
        <input
          className="input tabular"
          inputMode="numeric"
          value={value.ttlMinutes}
          onChange={(e) => onChange({ ttlMinutes: e.target.value })}
          placeholder="1440"
        />
      </Field>
    </div>
  );
}
