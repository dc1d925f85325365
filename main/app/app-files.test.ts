import { describe, expect, it } from 'vitest';

import { appFiles } from './app-files';

describe('the built app next to the main bundle', () => {
  it('finds preload, renderer folder and icon next to the main bundle', () => {
    const files = appFiles('/opt/TrainDeck/resources/app.asar/dist/main');
    expect(files.preload).toBe('/opt/TrainDeck/resources/app.asar/dist/preload/preload.cjs');
    expect(files.rendererRoot).toBe('/opt/TrainDeck/resources/app.asar/dist/renderer');
    expect(files.icon).toBe('/opt/TrainDeck/resources/app.asar/assets/icon.png');
  });
});
