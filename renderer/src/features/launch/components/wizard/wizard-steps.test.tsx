// @vitest-environment happy-dom
import { type ReactElement, useState } from 'react';
import { describe, expect, it, vi } from 'vitest';

import { render, screen, userEvent, within } from '../../../../testing/render';
import { emptyDraft, type WizardDraft } from '../../wizard/draft';
import { type FieldErrors, validateDraft } from '../../wizard/validate';
import { CodeStep } from './code-step';
import { ComputeStep } from './compute-step';
import { TrainingStep } from './training-step';

/** A step wired to real draft state, as the wizard view does, with the errors validateDraft finds. */
function Stateful<K extends 'compute' | 'code' | 'training'>(props: {
  step: K;
  initial: WizardDraft;
  render: (
    value: WizardDraft[K],
    errors: FieldErrors,
    onChange: (patch: Partial<WizardDraft[K]>) => void,
  ) => ReactElement;
  onDraft?: (draft: WizardDraft) => void;
}) {
  const [draft, setDraft] = useState(props.initial);
  const errors = validateDraft(draft).errors;
  return props.render(draft[props.step], errors, (patch) => {
    const next = { ...draft, [props.step]: { ...draft[props.step], ...patch } };
    props.onDraft?.(next);
    setDraft(next);
  });
}

function errorOf(name: string): string | undefined {
  return screen.queryByTestId(`error-${name}`)?.textContent ?? undefined;
}

/** The Training step on a fresh draft; returns the mock that receives every draft. */
function renderTrainingStep() {
  const onDraft = vi.fn();
  render(
    <Stateful
      step="training"
      initial={emptyDraft()}
      onDraft={onDraft}
      render={(value, errors, onChange) => <TrainingStep value={value} errors={errors} onChange={onChange} />}
    />,
  );
  return onDraft;
}

describe('wizard steps (components with props only)', () => {
  it('Compute: "My machine over SSH" swaps the EC2 fields for the SSH ones and reports a bad address under its field', async () => {
    const drafts: WizardDraft[] = [];
    render(
      <Stateful
        step="compute"
        initial={emptyDraft()}
        onDraft={(d) => drafts.push(d)}
        render={(value, errors, onChange) => (
          <ComputeStep value={value} errors={errors} region="eu-west-1" types={undefined} onChange={onChange} />
        )}
      />,
    );
    expect(screen.queryByTestId('field-compute.instanceType')).not.toBeNull();
    expect(screen.queryByTestId('field-sshHost.address')).toBeNull();
    await userEvent.click(screen.getByRole('radio', { name: 'My machine over SSH' }));
    expect(drafts.at(-1)?.compute.target).toBe('ssh-host');
    expect(screen.queryByTestId('field-compute.instanceType')).toBeNull();
    const address = within(screen.getByTestId('field-sshHost.address')).getByRole('textbox');
    await userEvent.type(address, 'not an address');
    expect(errorOf('sshHost.address')).toBeTruthy();
    expect(address.getAttribute('aria-invalid')).toBe('true');
    expect(address.getAttribute('aria-describedby')).toContain(screen.getByTestId('error-sshHost.address').id);
    await userEvent.clear(address);
    await userEvent.type(address, 'me@10.0.0.5:22');
    expect(errorOf('sshHost.address')).toBeUndefined();
  });

  it('Code: a token in an https URL is refused under the field with the fix; an ssh URL asks for the deploy key', async () => {
    render(
      <Stateful
        step="code"
        initial={emptyDraft()}
        render={(value, errors, onChange) => <CodeStep value={value} errors={errors} onChange={onChange} />}
      />,
    );
    const url = within(screen.getByTestId('field-code.repoUrl')).getByRole('textbox');
    await userEvent.type(url, 'https://x-access-token:ghp_abc@github.com/acme/train.git');
    expect(errorOf('code.repoUrl')).toMatch(/password or token in it.*deploy key/i);
    await userEvent.clear(url);
    await userEvent.type(url, 'git@github.com:acme/train.git');
    expect(errorOf('code.repoUrl')).toBeUndefined();
    expect(errorOf('code.deployKeyFile')).toMatch(/deploy ?key/i);
  });

  it('Training: an empty command is an error; typing one clears it and reaches the draft', async () => {
    const onDraft = renderTrainingStep();
    expect(errorOf('training.command')).toBeTruthy();
    await userEvent.type(screen.getByRole('textbox', { name: 'Command' }), 'python train.py');
    expect(errorOf('training.command')).toBeUndefined();
    expect((onDraft.mock.calls.at(-1)![0] as WizardDraft).training.command).toBe('python train.py');
  });
  it('Training: a secret variable is a name and a file; a lower-case name is an error under its cell until fixed', async () => {
    const onDraft = renderTrainingStep();
    await userEvent.click(screen.getByRole('button', { name: 'Add secret variable' }));
    await userEvent.type(screen.getByRole('textbox', { name: 'Name of secret variable 1' }), 'wandb');
    expect(errorOf('training.secretEnv.0.name')).toMatch(/"wandb" is not a usable name: use upper-case letters/);
    expect(errorOf('training.secretEnv.0.file')).toMatch(/Give the file that holds the value/);
    await userEvent.clear(screen.getByRole('textbox', { name: 'Name of secret variable 1' }));
    await userEvent.type(screen.getByRole('textbox', { name: 'Name of secret variable 1' }), 'WANDB_API_KEY');
    await userEvent.type(screen.getByRole('textbox', { name: 'File of WANDB_API_KEY' }), '~/.wandb-key');
    expect(errorOf('training.secretEnv.0.name')).toBeUndefined();
    expect(errorOf('training.secretEnv.0.file')).toBeUndefined();
    expect((onDraft.mock.calls.at(-1)![0] as WizardDraft).training.secretEnv).toEqual([
      { name: 'WANDB_API_KEY', file: '~/.wandb-key' },
    ]);
  });
});
