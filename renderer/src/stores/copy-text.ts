import { useNotifications } from './notifications';

/** The part of `navigator.clipboard` a copy uses; tests pass a fake. */
export interface ClipboardLike {
  writeText(text: string): Promise<void>;
}

let copies = 0;

/**
 * Copies `text` and says what happened in a toast: "Copied" with what was copied, or the reason
 * it failed and the way around it. Never throws: a Copy button's rejection used to vanish.
 */
export async function copyText(
  text: string,
  what: string,
  clipboard: ClipboardLike | undefined = globalThis.navigator?.clipboard,
): Promise<boolean> {
  const id = `copy-${++copies}`;
  const at = new Date().toISOString();
  try {
    if (!clipboard) throw new Error('this page has no clipboard access');
    await clipboard.writeText(text);
    useNotifications
      .getState()
      .push({ id, level: 'success', title: 'Copied', body: `${what} is on the clipboard.`, at });
    return true;
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).replace(/\.+$/, '');
    useNotifications.getState().push({
      id,
      level: 'error',
      title: `Could not copy ${what.charAt(0).toLowerCase()}${what.slice(1)}`,
      body: `The clipboard refused it (${reason}). Select the text and press Ctrl+C (⌘C on a Mac) instead.`,
      at,
    });
    return false;
  }
}
