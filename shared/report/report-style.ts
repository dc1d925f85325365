/**
 * The saved HTML report's style sheet: inline (the file must stand alone), light (it is
 * printed), A4 with margins for `printToPDF` and a browser's print. Colours follow the app's
 * light theme tokens (renderer/src/styles/tokens.css).
 */
export const REPORT_CSS = `
@page { size: A4; margin: 16mm 14mm; }
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 190mm; padding: 24px; font: 13px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Liberation Sans', Arial, sans-serif; color: #151b2c; background: #ffffff; }
h1 { margin: 0 0 4px; font-size: 22px; line-height: 1.25; overflow-wrap: anywhere; }
h2 { margin: 24px 0 8px; font-size: 15px; border-bottom: 1px solid #e2e5ee; padding-bottom: 4px; break-after: avoid; }
.meta { margin: 0 0 16px; color: #566077; }
.summary { display: grid; grid-template-columns: repeat(4, 1fr); gap: 8px 16px; margin: 0; padding: 12px 16px; background: #f3f4f9; border: 1px solid #e2e5ee; border-radius: 8px; }
.summary dt { color: #566077; font-size: 11px; text-transform: uppercase; letter-spacing: 0.04em; }
.summary dd { margin: 0; font-size: 15px; font-weight: 600; }
.reason { margin: 12px 0 0; padding: 8px 12px; border-left: 3px solid #cfd4e1; background: #f6f7fb; }
table { width: 100%; border-collapse: collapse; margin: 4px 0; break-inside: auto; }
tr { break-inside: avoid; }
th, td { padding: 5px 8px; border-bottom: 1px solid #e2e5ee; text-align: left; vertical-align: top; }
th { background: #f3f4f9; color: #566077; font-size: 11px; font-weight: 600; text-transform: uppercase; letter-spacing: 0.04em; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tfoot td { font-weight: 700; border-top: 2px solid #cfd4e1; }
code { font-family: ui-monospace, 'DejaVu Sans Mono', 'Liberation Mono', monospace; font-size: 12px; overflow-wrap: anywhere; }
.note { color: #566077; font-size: 12px; }
.status-succeeded, .ok { color: #036b4d; }
.status-failed, .bad { color: #c81e1e; font-weight: 600; }
.status-skipped, .status-pending { color: #5f687d; }
dl.data { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
dl.data dt { color: #566077; }
dl.data dd { margin: 0; }
footer { margin-top: 32px; color: #5f687d; font-size: 11px; }
@media print {
  body { padding: 0; max-width: none; }
  .summary, th { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
  h2 { break-after: avoid-page; }
}
`;
