// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';

import { type RunConfig, runConfigSchema } from '../../../../../../shared/run-config/schema';
import { render, screen, userEvent } from '../../../../testing/render';
import { ReviewActions, type ReviewActionsProps, templateNameHint } from './review-actions';

const config = (code: object = {}): RunConfig =>
  runConfigSchema.parse({
    version: 1,
    name: 'resnet50-lr-sweep-3',
    aws: { region: 'eu-west-1' },
    storage: { bucket: 'td-data', sseKeyFile: 'k', prefix: 'p' },
    compute: { instanceType: 'g5.xlarge', ttlMinutes: 480, diskGb: 100 },
    code: { repoUrl: 'git@github.com:acme/resnet-train.git', deployKeyFile: 'id', branch: 'main', ...code },
    training: { command: 'python train.py' },
  });

function renderActions(
  runConfig: RunConfig,
  onSave = vi.fn(),
  more: Partial<Pick<ReviewActionsProps, 'openedTemplate' | 'nameTaken' | 'onKeepTaken'>> = {},
) {
  render(
    <ReviewActions
      {...more}
      config={runConfig}
      saving={false}
      savedAs={undefined}
      exported={undefined}
      actionError={undefined}
      launchError={undefined}
      onSave={onSave}
      onExport={() => {}}
      onCopy={() => {}}
    />,
  );
  return onSave;
}

// A template is what many runs start from: proposing one run's name ("resnet50-lr-sweep-3") named
// every template after the run it was saved from.
describe('Review: the template name', () => {
  it('starts empty, suggests the repo and branch, and saves only what the user typed', async () => {
    const onSave = renderActions(config());
    const field = screen.getByTestId('template-name') as HTMLInputElement;
    expect(field.value).toBe('');
    expect(field.placeholder).toBe('e.g. resnet-train on main');
    expect((screen.getByTestId('template-save') as HTMLButtonElement).disabled).toBe(true);
    await userEvent.type(field, '  nightly resnet ');
    await userEvent.click(screen.getByTestId('template-save'));
    expect(onSave).toHaveBeenCalledWith('nightly resnet', false);
  });

  it('the hint names the repo by any URL form, with the branch or the short commit', () => {
    expect(templateNameHint(config({ repoUrl: 'https://github.com/acme/vit.git/' }))).toBe('e.g. vit on main');
    expect(
      templateNameHint(config({ repoUrl: 'ssh://git@host:22/acme/bert', branch: undefined, commit: 'a1b2c3d4e5f6' })),
    ).toBe('e.g. bert on a1b2c3d');
    expect(templateNameHint({})).toBe('e.g. resnet nightly');
  });
});

// A template is never replaced by a click that did not say so: opened from a template, Save says
// "Update template"; a name taken by another template asks first.
describe('Review: saving over a template', () => {
  it('opened from a template, proposes its name and updates it; another name saves a new one', async () => {
    const onSave = renderActions(config(), vi.fn(), { openedTemplate: 'resnet nightly' });
    const field = screen.getByTestId('template-name') as HTMLInputElement;
    expect(field.value).toBe('resnet nightly');
    expect(screen.getByTestId('template-save').textContent).toBe('Update template');
    await userEvent.click(screen.getByTestId('template-save'));
    expect(onSave).toHaveBeenLastCalledWith('resnet nightly', true);
    await userEvent.clear(field);
    await userEvent.type(field, 'resnet weekly');
    expect(screen.getByTestId('template-save').textContent).toBe('Save as template');
    await userEvent.click(screen.getByTestId('template-save'));
    expect(onSave).toHaveBeenLastCalledWith('resnet weekly', false);
  });

  it('a name taken by another template: replace it, or keep it', async () => {
    const onKeepTaken = vi.fn();
    const onSave = renderActions(config(), vi.fn(), {
      nameTaken: { name: 'resnet-nightly', existing: 'ResNet Nightly' },
      onKeepTaken,
    });
    expect(screen.getByRole('alert').textContent).toContain('A template named “ResNet Nightly” already exists.');
    await userEvent.click(screen.getByTestId('template-keep'));
    expect(onKeepTaken).toHaveBeenCalledOnce();
    expect(onSave).not.toHaveBeenCalled();
    await userEvent.click(screen.getByTestId('template-replace'));
    expect(onSave).toHaveBeenCalledWith('resnet-nightly', true);
  });
});
