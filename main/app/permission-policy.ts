/**
 * The one permission the app grants: writing plain text to the clipboard (every Copy button),
 * and only to our own renderer page in the main window. Everything else, and any other page or
 * window (the hidden PDF printer, a stray frame), is refused. Pure, so it is unit tested.
 */
const GRANTED_PERMISSION = 'clipboard-sanitized-write';

/** Who asks: whether it is the main window's top frame showing our renderer page. */
export interface PermissionAsker {
  isMainWindowRenderer: boolean;
}

/** True when `permission` may be granted to `asker`. */
export function isPermissionGranted(permission: string, asker: PermissionAsker): boolean {
  return permission === GRANTED_PERMISSION && asker.isMainWindowRenderer;
}
