/**
 * Prints a saved HTML report to PDF. The desktop app provides it (a hidden, sandboxed window's
 * `webContents.printToPDF`, main/app/pdf-printer.ts); the browser host and the CLI have none,
 * and their reports have no PDF. A port, because domain code never imports electron.
 */
export interface PdfPrinter {
  /** The PDF of the self-contained HTML file at `htmlPath` (A4); rejects when `signal` aborts. */
  print(htmlPath: string, signal: AbortSignal): Promise<Uint8Array>;
}
