/**
 * The HTML page's whole style sheet: system fonts (nothing to download), a readable column, tables
 * that scroll inside their wrapper instead of widening the page, and charts no wider than it.
 */
export const htmlStyle = `:root {
  color-scheme: light;
  --text: #1f2328;
  --muted: #59636e;
  --rule: #d1d9e0;
  --stripe: #f6f8fa;
  --note: #9a6700;
  --note-background: #fff8c5;
}
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body {
  margin: 0;
  color: var(--text);
  background: #ffffff;
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
main { max-width: 64rem; margin: 0 auto; padding: 2rem 1.25rem 4rem; }
h1, h2, p, li, figcaption, caption { overflow-wrap: anywhere; }
h1 { font-size: 1.9rem; line-height: 1.25; margin: 0 0 1rem; }
h2 { font-size: 1.4rem; line-height: 1.3; margin: 2.5rem 0 0.75rem; padding-bottom: 0.3rem; border-bottom: 1px solid var(--rule); }
p { margin: 0 0 1rem; }
.intro { color: var(--muted); }
.contents h2 { font-size: 1rem; margin: 1.5rem 0 0.5rem; border: 0; padding: 0; }
.contents ol { margin: 0 0 1rem; padding-left: 1.5rem; }
a { color: #0969da; }
.note {
  margin: 0 0 1rem;
  padding: 0.75rem 1rem;
  border-left: 4px solid var(--note);
  background: var(--note-background);
  border-radius: 0 6px 6px 0;
}
.table-wrapper { max-width: 100%; overflow-x: auto; margin: 0 0 1.5rem; }
.table-wrapper:focus-visible { outline: 2px solid #0969da; outline-offset: 2px; }
table { border-collapse: collapse; font-size: 0.9rem; font-variant-numeric: tabular-nums; }
caption { caption-side: top; text-align: left; font-weight: 600; padding: 0 0 0.5rem; }
th, td { padding: 0.35rem 0.7rem; border-bottom: 1px solid var(--rule); text-align: left; white-space: nowrap; }
th { background: var(--stripe); font-weight: 600; }
th.right, td.right { text-align: right; }
tbody tr:nth-child(even) td { background: #fbfcfd; }
.chart-figure { margin: 0 0 2rem; max-width: 100%; }
.chart-figure svg { display: block; max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: 0.9rem; margin-top: 0.4rem; }
@media (max-width: 40rem) {
  body { font-size: 15px; }
  main { padding: 1rem 0.75rem 3rem; }
  h1 { font-size: 1.5rem; }
}
@media print {
  main { max-width: none; padding: 0; }
  .table-wrapper { overflow: visible; }
}
`;
