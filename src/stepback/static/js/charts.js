/*
 * Stepback charts: embed the Vega-Lite specs built by stepback.lib.charts.
 *
 * Markup (the spec comes from Django's json_script, so no inline script runs):
 *
 *   <div class="sb-chart" data-spec-id="goal-12-spec"></div>
 *   {{ spec|json_script:"goal-12-spec" }}
 *
 * The <script type="application/json"> may also sit inside the div (then data-spec-id may be
 * left out). Load the vega-embed bundle (stepback.lib.charts.vega_embed_bundle(), which defines
 * window.vegaEmbed) before this file, both as same-origin <script src> files.
 *
 * Charts render on page load and again inside content that htmx swaps in (htmx:load and
 * htmx:afterSwap); each element renders once (data-sb-chart="rendered"). A chart that grows
 * above the focused field scrolls that field's form back into view. Views are finalized
 * when htmx removes them (htmx:beforeCleanupElement), so window listeners do not pile up.
 *
 * CSP findings (vl-convert 1.9: Vega 6.2, Vega-Lite 6.4, vega-embed 7.0; checked in headless
 * Chromium under "script-src 'self'; style-src 'self'", no 'unsafe-eval'/'unsafe-inline'):
 *
 * - Vega compiles expressions with `new Function` by default, which a CSP without
 *   'unsafe-eval' blocks. vega-embed 7 ships vega-interpreter's evaluator inside it and uses it
 *   when embedded with {ast: true}, so the vl-convert bundle is CSP-safe as it is: no separate
 *   vega-interpreter build is needed (javascript_bundle's snippet cannot import anything, it only
 *   sees vegaEmbed, vegaLite, vega and lodashDebounce). The remaining `new Function` in the
 *   bundle is d3-dsv's CSV row parser, which is never reached with inline "values" data.
 * - vega-embed and vega-tooltip inject <style> elements by default, which "style-src 'self'"
 *   blocks (with a console error). They are switched off here ({defaultStyle: false},
 *   tooltip {disableDefaultStyle: true}) and the few rules needed are added as a constructed
 *   stylesheet (document.adoptedStyleSheets): that is CSSOM, which CSP does not restrict. A
 *   site stylesheet may override them.
 * - Vega's SVG renderer only sets attributes and CSSOM properties: no violations.
 */
(function () {
  "use strict";

  var SELECTOR = ".sb-chart";
  var RENDERED = "rendered";

  var EMBED_OPTIONS = {
    actions: false,
    renderer: "svg",
    ast: true, // CSP-safe: evaluate expressions with the interpreter, never `new Function`
    defaultStyle: false, // no <style> injection (blocked by style-src 'self')
    tooltip: { disableDefaultStyle: true, theme: "light" },
  };

  var CSS = [
    ".sb-chart .vega-embed { position: relative; display: block; width: 100%;",
    "  box-sizing: border-box; }",
    ".sb-chart .vega-embed .chart-wrapper.fit-x { width: 100%; }",
    ".sb-chart .vega-embed svg { max-width: 100%; height: auto; }",
    "#vg-tooltip-element { visibility: hidden; position: fixed; z-index: 1000; padding: 8px;",
    "  font: 12px/1.35 system-ui, sans-serif; border-radius: 3px; color: #1a1a1a;",
    "  background: rgba(255, 255, 255, 0.97); border: 1px solid #bdbdbd;",
    "  box-shadow: 2px 2px 4px rgba(0, 0, 0, 0.12); }",
    "#vg-tooltip-element.visible { visibility: visible; }",
    "#vg-tooltip-element h2 { margin: 0 0 8px; font-size: 13px; }",
    "#vg-tooltip-element table { border-spacing: 0; }",
    "#vg-tooltip-element td { padding: 2px 0; white-space: nowrap; }",
    "#vg-tooltip-element td.key { color: #595959; padding-right: 6px; text-align: right; }",
    "#vg-tooltip-element td.value { text-align: left; }",
  ].join("\n");

  function installStyles() {
    if (installStyles.done) return;
    installStyles.done = true;
    try {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      document.adoptedStyleSheets = document.adoptedStyleSheets.concat([sheet]);
    } catch (err) {
      // Old browser without constructable stylesheets: charts still render, unstyled tooltips.
    }
  }

  function specFor(el) {
    var id = el.getAttribute("data-spec-id");
    var node = id
      ? document.getElementById(id)
      : el.querySelector('script[type="application/json"]');
    if (!node) throw new Error("chart spec not found" + (id ? ": #" + id : ""));
    return JSON.parse(node.textContent);
  }

  // A chart grows when it renders. When it sits above the focused field (the form htmx just
  // swapped in below it), that pushes the field's form out of view: bring it back.
  function keepFocusInView(el) {
    var active = document.activeElement;
    if (!active || active === document.body) return;
    if (!(el.compareDocumentPosition(active) & Node.DOCUMENT_POSITION_FOLLOWING)) return;
    (active.closest("form") || active).scrollIntoView({ block: "nearest" });
  }

  function render(el) {
    if (el.getAttribute("data-sb-chart")) return;
    if (typeof window.vegaEmbed !== "function") {
      console.error("charts.js: vegaEmbed is not loaded; include the vega-embed bundle first");
      return;
    }
    var spec;
    try {
      spec = specFor(el);
    } catch (err) {
      el.setAttribute("data-sb-chart", "error");
      console.error("charts.js:", err);
      return;
    }
    el.setAttribute("data-sb-chart", RENDERED);
    installStyles();
    window
      .vegaEmbed(el, spec, EMBED_OPTIONS)
      .then(function (result) {
        el.sbChart = result;
        keepFocusInView(el);
        el.dispatchEvent(new CustomEvent("sb:chart-rendered", { bubbles: true }));
      })
      .catch(function (err) {
        el.setAttribute("data-sb-chart", "error");
        console.error("charts.js:", err);
      });
  }

  function renderAll(root) {
    if (!root || typeof root.querySelectorAll !== "function") root = document;
    if (root.matches && root.matches(SELECTOR)) render(root);
    root.querySelectorAll(SELECTOR).forEach(render);
  }

  function finalizeAll(root) {
    if (!root || typeof root.querySelectorAll !== "function") return;
    var els = Array.prototype.slice.call(root.querySelectorAll(SELECTOR));
    if (root.matches && root.matches(SELECTOR)) els.push(root);
    els.forEach(function (el) {
      if (el.sbChart) {
        el.sbChart.finalize();
        el.sbChart = null;
      }
    });
  }

  document.addEventListener("htmx:load", function (event) {
    renderAll(event.detail && event.detail.elt);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    renderAll(event.detail && (event.detail.elt || event.detail.target));
  });
  document.addEventListener("htmx:beforeCleanupElement", function (event) {
    finalizeAll(event.detail && event.detail.elt);
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      renderAll(document);
    });
  } else {
    renderAll(document);
  }

  window.stepbackCharts = { render: renderAll };
})();
