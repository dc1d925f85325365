import { expect, test } from '@playwright/test';

import { expectAccessible } from './axe';
import { collectProblems, openApp, shotAtWidths, useWebHost } from './support';

/**
 * The Costs page while a rescan runs (#15 point 13, and axe on every state): the demo account
 * scans its regions in well under a second, so the scan's answer is held back at the socket until
 * the page has been looked at in that state: "Scanning N / M regions…", the last scan's table
 * still on screen, the Rescan button busy. Then the answer goes through and the line goes.
 */
const host = useWebHost({ TRAINDECK_FAKE_AWS: '1' });

test('Costs while a rescan runs: the progress line over the last table, axe clean, both themes', async ({ page }) => {
  const problems = await collectProblems(page);
  let holdScans = false;
  const scanIds = new Set<number>();
  const held: string[] = [];
  let sendToPage: (message: string) => void = () => undefined;
  await page.routeWebSocket(/\/ipc/, (ws) => {
    const server = ws.connectToServer();
    sendToPage = (message) => ws.send(message);
    ws.onMessage((message) => {
      const frame = JSON.parse(String(message)) as { id?: number; command?: string };
      if (holdScans && frame.command === 'costs.scan' && typeof frame.id === 'number') scanIds.add(frame.id);
      server.send(message);
    });
    server.onMessage((message) => {
      const frame = JSON.parse(String(message)) as { type?: string; id?: number };
      if (frame.type === 'result' && typeof frame.id === 'number' && scanIds.has(frame.id)) held.push(String(message));
      else ws.send(message);
    });
  });
  await openApp(page, host().url, 'Costs');
  const table = page.getByTestId('resource-table');
  await expect(table.locator('tbody tr').first()).toBeVisible();
  const rows = await table.locator('tbody tr').count();

  holdScans = true;
  await page.getByTestId('rescan').click();
  const progress = page.getByTestId('scan-progress');
  await expect(progress).toContainText(/Scanning \d+ \/ \d+ regions…/);
  await expect.poll(() => held.length).toBe(1);
  // The answer is held: the progress has reached its end, and the last scan stays on screen.
  await expect(progress).toContainText(/Scanning (\d+) \/ \1 regions…/);
  await expect(progress).toContainText('The table shows the scan of');
  await expect(table.locator('tbody tr')).toHaveCount(rows);
  await expect(page.getByTestId('rescan')).toHaveAttribute('aria-busy', 'true');
  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    await expectAccessible(page, `costs while scanning (${theme})`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await shotAtWidths(page, 'costs-scanning');

  holdScans = false;
  for (const message of held.splice(0)) sendToPage(message);
  await expect(progress).toHaveCount(0);
  await expect(page.getByTestId('rescan')).not.toHaveAttribute('aria-busy', 'true');
  expect(problems).toEqual([]);
});
