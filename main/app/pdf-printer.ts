import { BrowserWindow, session } from 'electron';

import { raceAbort } from '../core/abort';
import type { PdfPrinter } from '../runs/report/pdf-printer';

// Its own in-memory session: none of the app window's state, and a permission policy of its own.
const PARTITION = 'traindeck-report-pdf';

/**
 * The desktop app's {@link PdfPrinter}: loads the saved report file in a hidden window that
 * runs no JavaScript (the report has none; its own CSP forbids scripts and loads), prints it
 * to A4 with its backgrounds, and destroys the window.
 *
 * It stays on `loadFile` (file://), not the `app://` scheme (./app-protocol): the report is a file
 * main wrote in the app data folder, not part of the renderer, and the scheme must serve the
 * renderer folder only. A file:// page is harmless here: it runs no JavaScript, lives in its own
 * in-memory session (which has no app:// handler and no IPC preload), is never shown, and the
 * fuses turn file:// extra privileges off; the IPC sender check never trusts a file:// page.
 */
export function electronPdfPrinter(): PdfPrinter {
  return {
    async print(htmlPath, signal) {
      signal.throwIfAborted();
      const pdfSession = session.fromPartition(PARTITION);
      pdfSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
      pdfSession.setPermissionCheckHandler(() => false);
      const window = new BrowserWindow({
        show: false,
        webPreferences: {
          partition: PARTITION,
          javascript: false,
          sandbox: true,
          contextIsolation: true,
          nodeIntegration: false,
          webviewTag: false,
          spellcheck: false,
        },
      });
      // A reason that is not an Error (a bare abort()) still reads as a timeout.
      const bounded = <T>(work: Promise<T>) =>
        raceAbort(work, signal).catch((error: unknown) => {
          throw signal.aborted && error === signal.reason && !(error instanceof Error)
            ? new Error('printing the PDF timed out')
            : error;
        });
      try {
        await bounded(window.loadFile(htmlPath));
        const pdf = await bounded(
          window.webContents.printToPDF({ pageSize: 'A4', printBackground: true, preferCSSPageSize: true }),
        );
        return new Uint8Array(pdf);
      } finally {
        window.destroy();
      }
    },
  };
}
