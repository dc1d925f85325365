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

  it('trusts our page however Chromium encodes its path (spaces, non-ASCII, hex case, query)', () => {
    const spaced = appFiles('/Applications/Train Deck.app/Contents/Resources/app.asar/dist/main');
    const accented = appFiles('/home/zoë/Téléchargements/TrainDeck/resources/app.asar/dist/main');
    expect(isRendererUrl(pathToFileURL(spaced.rendererIndex).href, spaced)).toBe(true);
    expect(
      isRendererUrl(
        'file:///Applications/Train%20Deck.app/Contents/Resources/app.asar/dist/renderer/index.html',
        spaced,
      ),
    ).toBe(true);
    const lowerHex = pathToFileURL(accented.rendererIndex).href.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase());
    expect(isRendererUrl(lowerHex, accented)).toBe(true);
    expect(isRendererUrl(`${index}?x=1#/runs`, files)).toBe(true);
    expect(isRendererUrl('file://localhost/opt/TrainDeck/resources/app.asar/dist/renderer/index.html', files)).toBe(
      true,
    );
  });

  it('refuses any other page, including look-alike paths and remote pages', () => {
    for (const url of [
      `${index}.evil.html`,
      'file:///tmp/index.html',
      'https://example.com/',
      '',
      'about:blank',
      index.replace('file://', 'http://'),
      'file:///opt/TrainDeck/resources/app.asar/dist/renderer/../renderer/other.html',
      'file://evil.example/opt/TrainDeck/resources/app.asar/dist/renderer/index.html',
      'not a url',
    ]) {
      expect(isRendererUrl(url, files), url).toBe(false);
    }
  });
});
