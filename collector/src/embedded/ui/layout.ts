/** The page frame of the interim web UI: one inline stylesheet, no scripts. */
import { Html, html } from './html.ts';

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{background:#1d2330;color:#fff;padding:10px 20px;display:flex;gap:16px;align-items:baseline}
header a{color:#fff;text-decoration:none;font-weight:600}
header small{color:#aab}
main{padding:16px 20px;max-width:1400px}
table{border-collapse:collapse;width:100%;background:#fff;margin:8px 0 20px}
th,td{border-bottom:1px solid #e3e6eb;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#eef0f4;font-weight:600}
form{display:flex;gap:8px;flex-wrap:wrap;margin-bottom:12px}
input,select,button{font:inherit;padding:4px 6px}
.status{border-radius:3px;padding:1px 6px;color:#fff;font-size:12px}
.running{background:#2f6fd6}.waiting{background:#c98a00}.completed{background:#2f8a4a}
.failed{background:#c0392b}.cancelled{background:#777}
.problems{background:#fde8e6;border:1px solid #e5a49c;padding:8px 12px}
.hint{background:#fff;border:1px solid #d5d9e0;padding:8px 12px}
pre{background:#fff;border:1px solid #e3e6eb;padding:8px;overflow:auto;font-size:12px}
dl{display:grid;grid-template-columns:max-content auto;gap:2px 16px;background:#fff;padding:8px 12px}
dt{color:#556}dd{margin:0}
.muted{color:#778}
`;

export function page(title: string, body: Html): Html {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · Flowtrail</title>
        <style>
          ${new Html(STYLE)}
        </style>
      </head>
      <body>
        <header><a href="/">Flowtrail</a><small>interim UI (embedded mode)</small></header>
        <main>${body}</main>
      </body>
    </html>`;
}

export function statusBadge(status: string): Html {
  return html`<span class="status ${status}">${status}</span>`;
}

export function instanceHref(key: string): string {
  return `/instances/${encodeURIComponent(key)}`;
}
