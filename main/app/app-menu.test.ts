import { describe, expect, it } from 'vitest';

import { type AppMenuOptions, appMenuTemplate } from './app-menu';

type MenuItemConstructorOptions = ReturnType<typeof appMenuTemplate>[number];

const base: AppMenuOptions = {
  platform: 'linux',
  isPackaged: true,
  showWindow: () => undefined,
  openCosts: () => undefined,
  openLogFolder: () => undefined,
};

/** Every item of the menu, depth first. */
function items(template: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return template.flatMap((item) => [
    item,
    ...(Array.isArray(item.submenu) ? items(item.submenu as MenuItemConstructorOptions[]) : []),
  ]);
}

describe('the app menu', () => {
  it('has no developer tools, reload or Electron links in a release build', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      const all = items(appMenuTemplate({ ...base, platform }));
      expect(all.map((i) => i.role).filter(Boolean)).not.toContain('toggleDevTools');
      expect(all.map((i) => i.role)).not.toContain('reload');
      expect(all.map((i) => i.role)).not.toContain('forceReload');
      // The help menu is ours: a role 'help' item with our own submenu, never Electron's default links.
      const help = appMenuTemplate({ ...base, platform }).find((i) => i.role === 'help');
      expect((help?.submenu as MenuItemConstructorOptions[]).map((i) => i.label)).toEqual(['Open the log folder']);
      expect(JSON.stringify(all)).not.toMatch(/electronjs|Learn More|Documentation|Community/);
    }
  });

  it('keeps developer tools in a development build', () => {
    expect(items(appMenuTemplate({ ...base, isPackaged: false })).map((i) => i.role)).toContain('toggleDevTools');
  });

  it('has the standard macOS app menu (Cmd+Q, hide) and a Quit item elsewhere', () => {
    expect(appMenuTemplate({ ...base, platform: 'darwin' })[0]?.role).toBe('appMenu');
    expect(items(appMenuTemplate(base)).find((i) => i.role === 'quit')?.label).toBe('Quit TrainDeck');
  });
});
