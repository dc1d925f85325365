import { BrowserWindow, session } from 'electron';
import type { PdfPrinter } from '../runs/report/pdf-printer';

// Its own in-memory session: none of the app window's state, and a permission policy of its own.
const PARTITION = 'traindeck-report-pdf';

/**
 * The desktop app's {@link PdfPrinter}: loads the saved report file in a hidden window that
 * runs no JavaScript (the report has none; its own CSP forbids scripts and loads), prints it
 * to A4 with its backgrounds, and destroys the window.
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
        webPreferences: { partition: PARTITION, javascript: false, sandbox: true, contextIsolation: true, nodeIntegration: false, webviewTag: false, spellcheck: false },
      });
      let onAbort = () => {};
      const aborted = new Promise<never>((_resolve, reject) => {
        onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('printing the PDF timed out'));
        signal.addEventListener('abort', onAbort, { once: true });
      });
      // The limit may strike after the print is done: that rejection has nobody left to tell.
      aborted.catch(() => {});
      try {
        await Promise.race([window.loadFile(htmlPath), aborted]);
        const pdf = await Promise.race([window.webContents.printToPDF({ pageSize: 'A4', printBackground: true, preferCSSPageSize: true }), aborted]);
        return new Uint8Array(pdf);
      } finally {
        signal.removeEventListener('abort', onAbort);
        window.destroy();
      }
    },
  };
}
