import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { appFiles, isRendererUrl } from './app-files';

describe('the IPC sender check', () => {
  const files = appFiles('/opt/TrainDeck/resources/app.asar/dist/main');
  const index = pathToFileURL(files.rendererIndex).href;

  it('finds preload, renderer and icon next to the main bundle', () => {
    expect(files.preload).toBe('/opt/TrainDeck/resources/app.asar/dist/preload/preload.cjs');
    expect(files.rendererIndex).toBe('/opt/TrainDeck/resources/app.asar/dist/renderer/index.html');
    expect(files.icon).toBe('/opt/TrainDeck/resources/app.asar/assets/icon.png');
  });

  it('trusts our renderer page, with or without a fragment', () => {
    expect(isRendererUrl(index, files)).toBe(true);
    expect(isRendererUrl(`${index}#/costs`, files)).toBe(true);
  });

  it('refuses any other page, including look-alike paths and remote pages', () => {
    for (const url of [
      `${index}.evil.html`,
      'file:///tmp/index.html',
      'https://example.com/',
      '',
      'about:blank',
      index.replace('file://', 'http://'),
    ]) {
      expect(isRendererUrl(url, files), url).toBe(false);
    }
  });
});
