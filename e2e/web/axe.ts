import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/**
 * Runs axe-core on the page as it is now and fails on any serious or critical violation,
 * naming each rule and the first nodes it hit so the failure says what to fix.
 */
export async function expectAccessible(page: Page, where: string): Promise<void> {
  // Colours fade between themes and buttons fade between states (short CSS transitions): axe must
  // judge the settled colours, not a frame of a fade. A fade can also start while we wait (a button
  // enabled by an answer that just arrived), so wait until a frame starts no new one (bounded).
  // Endless animations (spinners) are not waited for.
  await page.evaluate(async () => {
    const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve(undefined)));
    for (let round = 0; round < 20; round += 1) {
      const fading = document
        .getAnimations()
        .filter((animation) => animation.effect?.getComputedTiming().iterations !== Infinity)
        .filter((animation) => animation.playState === 'running' || animation.pending);
      if (fading.length === 0) return;
      await Promise.all(fading.map((animation) => animation.finished.catch(() => undefined)));
      await frame();
      await frame();
    }
  });
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  const serious = results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes
          .slice(0, 3)
          .map((node) => node.target.join(' '))
          .join(' | ')}`,
    );
  expect(serious, `accessibility violations on ${where}`).toEqual([]);
}
