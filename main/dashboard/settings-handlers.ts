import type { Handlers } from '../core/router';
import type { TrustGate } from '../trust/trust-gate';
import type { AccountService } from './account-service';
import type { SettingsStore } from './settings-store';

/** The purpose main names in the trust gate's dialog or refusal. */
const DATA_FOLDER = 'data folder';

/**
 * The Settings page's commands: main's settings store validates and bounds every change; the data
 * folder passes the trust gate (a native folder dialog, or the browser host's allowed folders).
 */
export function settingsHandlers(services: {
  settings: SettingsStore;
  account: AccountService;
  trust: TrustGate;
}): Pick<Handlers, 'settings.get' | 'settings.update' | 'settings.chooseDataFolder' | 'aws.regions'> {
  const { settings, account, trust } = services;
  return {
    'settings.get': () => settings.view(),
    'settings.update': (patch) => settings.update(patch),
    'settings.chooseDataFolder': async ({ path, reset }) =>
      settings.setDataFolder(reset ? undefined : await trust.chooseFolder(path, DATA_FOLDER)),
    'aws.regions': ({ profile }) => {
      // Asked in the region the user works in: it is enabled.
      const askIn = settings.current().aws.region;
      return account.regions({ ...(askIn ? { askIn } : {}), ...(profile ? { profile } : {}) });
    },
  };
}
