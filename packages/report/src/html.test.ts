import { describe, expect, it } from "vitest";
import type { ReportDocument } from "./document.js";
import { renderHtml } from "./html.js";
import { count, tagsBalanced } from "./markup-checks.js";
import { fixtureDocument } from "./report-fixture.js";

describe("renderHtml", () => {
  const html = renderHtml(fixtureDocument());

  it("is one balanced HTML5 page with a charset, a viewport and an inline style", () => {
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).toContain("<title>Fixture report</title>");
    expect(count(html, /<style>/g)).toBe(1);
    expect(tagsBalanced(html)).toBe(true);
  });

  it("needs nothing from outside: no script, link, image, import or URL but the SVG namespace", () => {
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(|src=|@font-face/i);
    const withoutNamespace = html.replaceAll('xmlns="http://www.w3.org/2000/svg"', "");
    expect(withoutNamespace).not.toMatch(/https?:\/\//);
    expect(withoutNamespace).not.toContain("www.");
    for (const [, href] of html.matchAll(/href="([^"]*)"/g)) expect(href).toMatch(/^#/);
  });

  it("lists the sections in a table of contents linking their ids", () => {
    expect(html).toContain('<li><a href="#results">Results</a></li>');
    expect(html).toContain('<li><a href="#budgets">Budgets</a></li>');
    expect(html).toContain('<section id="results">\n<h2>Results</h2>');
    expect(html).toContain('<section id="budgets">\n<h2>Budgets</h2>');
  });

  it("writes tables with captions inside scroll wrappers, numbers right-aligned", () => {
    expect(count(html, /<div class="table-wrapper"/g)).toBe(2);
    expect(html).toContain("<caption>pass@1 by method and budget: mean [95 % interval]</caption>");
    expect(count(html, /<th scope="col"/g)).toBe(12 + 2);
    expect(html).toContain('<td class="right"><strong>2</strong></td>');
    expect(html).toMatch(/\.table-wrapper \{[^}]*overflow-x: auto/);
    expect(html).toMatch(/\.chart-figure svg \{[^}]*max-width: 100%/);
  });

  it("inlines each chart in a figure with a caption, and the note and text", () => {
    expect(count(html, /<figure class="chart-figure" id="figure-(bands|budgets)">\n<svg /g)).toBe(
      2,
    );
    expect(html).toContain("<figcaption>pass@1 against tests per problem</figcaption>");
    expect(html).toContain(
      '<div class="note" role="note"><strong>SIMULATED reward models, not a trained model</strong></div>',
    );
    expect(html).toContain("<p>The wide table scrolls inside its wrapper.</p>");
    expect(html).toContain('<p class="intro">A second intro paragraph.</p>');
  });

  it("escapes every text", () => {
    const attack = '<script>alert("x")</script> & https://example.com';
    const document: ReportDocument = {
      title: attack,
      intro: [attack],
      sections: [
        {
          id: 'a"b',
          title: attack,
          blocks: [
            { kind: "text", text: attack },
            { kind: "note", text: attack },
            {
              kind: "table",
              table: {
                caption: attack,
                columns: [{ label: attack }],
                rows: [[{ text: attack, bold: true }]],
              },
            },
          ],
        },
      ],
    };
    const escaped = renderHtml(document);
    // the page title, heading, intro, contents, section heading, text, note, caption, wrapper label,
    // column header and cell
    expect(escaped).not.toContain("<script");
    expect(count(escaped, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt; &amp; /g)).toBe(11);
    expect(escaped).toContain('<section id="a&quot;b">');
    expect(escaped).toContain('href="#a%22b"');
    expect(tagsBalanced(escaped)).toBe(true);
  });
});
