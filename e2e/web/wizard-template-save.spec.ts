import { expect, test } from '@playwright/test';

import {
  collectProblems,
  expectAccessibleLightAndDark,
  invokeOnHost,
  openApp,
  reloadApp,
  shotAtWidths,
  useDemoHost,
} from './support';
import { demoRunConfig, openTemplate, saveTemplate } from './wizard-template-fixture';

/**
 * Review's "Save as template" never replaces a template silently (#17): opened from a template, the
 * name field holds its name and the button says "Update template"; a name another template already
 * has (in any case or punctuation: one file per name) asks "Replace … / Keep it" first. Screenshots
 * of the question at 1280 and 1920, light and dark, axe-checked.
 */
test.describe.configure({ timeout: 120_000 });

const { home, host } = useDemoHost('template-save');

test('an opened template is updated knowingly; a taken name asks before it is replaced', async ({ page }) => {
  const problems = await collectProblems(page);
  await openApp(page, host().url);
  await saveTemplate(page, host().token, 'resnet nightly', demoRunConfig(home));
  await saveTemplate(
    page,
    host().token,
    'resnet weekly',
    demoRunConfig(home, (c) => (c.name = 'weekly-run')),
  );
  await reloadApp(page, 'Launch');
  await openTemplate(page, 'resnet nightly');

  const name = page.getByTestId('template-name');
  const save = page.getByTestId('template-save');
  await expect(name).toHaveValue('resnet nightly');
  await expect(save).toHaveText('Update template');
  await save.click();
  await expect(page.getByTestId('template-saved')).toContainText('resnet nightly');
  await expect(page.getByTestId('template-taken')).toHaveCount(0);

  // Another template's name, spelled another way: asked, and "Keep it" saves nothing.
  await name.fill('Resnet-Weekly');
  await expect(save).toHaveText('Save as template');
  await save.click();
  const taken = page.getByTestId('template-taken');
  await expect(taken).toContainText('A template named “resnet weekly” already exists.');
  await expect(page.getByTestId('template-saved')).toHaveCount(0);
  await taken.scrollIntoViewIfNeeded();
  await expectAccessibleLightAndDark(page, 'wizard-template-taken');
  await shotAtWidths(page, 'wizard-template-taken');
  await page.getByTestId('template-keep').click();
  await expect(taken).toHaveCount(0);

  // Asked again, and replaced this time: one template under the new spelling, not a third.
  await save.click();
  await page.getByTestId('template-replace').click();
  await expect(page.getByTestId('template-saved')).toContainText('Resnet-Weekly');
  await expect(save).toHaveText('Update template');
  const listed = await invokeOnHost(page, host().token, 'templates.list', {});
  expect(listed).toMatchObject({ ok: true });
  const names = (listed as { value: { name: string; config: { name?: string } }[] }).value.map((t) => [
    t.name,
    t.config.name,
  ]);
  expect(names.sort()).toEqual([
    ['Resnet-Weekly', 'demo-run'],
    ['resnet nightly', 'demo-run'],
  ]);
  expect(problems).toEqual([]);
});
