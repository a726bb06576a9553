// Draws every chart whose figure the server put in a json_script, on load and after
// each htmx swap; a click on a bar loads that milestone's panel with htmx.
(function () {
  "use strict";

  function narrow() {
    return window.matchMedia("(max-width: 640px)").matches;
  }

  function draw(el) {
    const source = document.getElementById(el.dataset.figure);
    if (!source || !window.Plotly) return;
    const figure = JSON.parse(source.textContent);
    const layout = figure.layout;
    const meta = layout.meta || {};
    // A Gantt row's hover label comes once per row; its points name the row by index (y).
    if (meta.hover) {
      figure.data.forEach(function (trace) {
        trace.text = trace.y.map(function (i) { return meta.hover[i]; });
      });
    }
    if (narrow() && meta.short_ticktext) {
      layout.yaxis.ticktext = meta.short_ticktext;
      layout.yaxis.tickfont = { size: 10 };  // charts.NARROW_TICK_SIZE
      layout.margin = Object.assign({}, layout.margin, { l: meta.short_margin || 4, r: 6 });
      // Fewer dates, so they stay level instead of slanting into the key above.
      ["xaxis", "xaxis2"].forEach(function (name) { if (layout[name]) layout[name].nticks = 4; });
    }
    // The toolbar's icons at 3:1 or more against the chart (plotly's default grey is about 1.6:1).
    layout.modebar = Object.assign({ color: "#4b5563", activecolor: "#1f6fb2", bgcolor: "rgba(255,255,255,0.9)" }, layout.modebar);
    const config = {
      responsive: true,
      displaylogo: false,
      modeBarButtonsToRemove: ["lasso2d", "select2d"],
      toImageButtonOptions: { filename: el.dataset.filename || "timeline", scale: 2 },
    };
    // The trend chart has no tool bar: on a phone it lay over its legend.
    if (el.dataset.modebar === "off") config.displayModeBar = false;
    window.Plotly.react(el, figure.data, layout, config).then(function () {
      el.dataset.drawn = "true";
      el.dispatchEvent(new CustomEvent("chart:drawn", { bubbles: true }));
    });
    if (!el.dataset.bound) {
      el.dataset.bound = "true";
      el.on("plotly_click", function (event) {
        const point = event.points && event.points[0];
        const urls = el.layout && el.layout.meta && el.layout.meta.urls;
        const url = point && urls && urls[point.y];
        if (!url) return;
        const query = asOfQuery(el);
        // The embedded chart has no panel: the milestone opens on the full site.
        if (!document.getElementById("panel") || !window.htmx) {
          window.open(url + query, "_blank", "noopener");
          return;
        }
        openPanel(url + query, null);
      });
    }
  }

  // The milestone as known on the page's as-of day, if it has one.
  function asOfQuery(el) {
    const asOf = document.getElementById("id_as_of") || (el && el.closest("[data-as-of]"));
    const day = asOf ? asOf.value || asOf.dataset.asOf : "";
    return day ? "?as_of=" + encodeURIComponent(day) : "";
  }

  // The panel is a modal dialog: it takes focus when its content arrives, keeps Tab inside,
  // and Escape or Close gives focus back to what opened it (the table's link for a chart click).
  let opener = null;

  function openPanel(url, from) {
    const key = url.split("?")[0].replace(/\/$/, "").split("/").pop();
    const link = document.querySelector("table.milestones a[data-panel][href*='/" + key + "/']");
    opener = from || link || document.activeElement;
    window.htmx.ajax("GET", url, { target: "#panel", swap: "innerHTML" });
  }

  function showPanel(panel) {
    if (!panel.firstElementChild) return;
    panel.hidden = false;
    const heading = panel.querySelector("h2");
    const label = heading && heading.id ? heading.id : "";
    if (label) panel.setAttribute("aria-labelledby", label);
    const close = panel.querySelector("[data-close-panel]");
    (close || panel).focus();
  }

  function closePanel() {
    const panel = document.getElementById("panel");
    if (!panel || panel.hidden) return;
    panel.replaceChildren();
    panel.hidden = true;
    panel.removeAttribute("aria-labelledby");
    // The timeline may have been refreshed meanwhile (a filter): go back to the same milestone's new link.
    const href = opener && opener.getAttribute && opener.getAttribute("href");
    const again = href && document.querySelector("table.milestones a[data-panel][href='" + CSS.escape(href) + "']");
    const back = opener && opener.isConnected ? opener : again || document.getElementById("milestones-table");
    opener = null;
    if (back) back.focus();
  }

  function focusables(root) {
    return Array.from(
      root.querySelectorAll("a[href], button:not([disabled]), input:not([disabled]), select, textarea, [tabindex]:not([tabindex='-1'])")
    ).filter(function (el) { return el.getClientRects().length > 0; });
  }

  function drawAll() {
    document.querySelectorAll("[data-figure]").forEach(function (el) {
      if (el.dataset.drawn !== "true") draw(el);
    });
  }

  function bindSlider() {
    const slider = document.getElementById("as-of-slider");
    const input = document.getElementById("id_as_of");
    const output = document.getElementById("as-of-slider-value");
    if (!slider || !input || slider.dataset.bound) return;
    slider.dataset.bound = "true";
    const dates = slider.dataset.dates ? slider.dataset.dates.split(",") : [];
    if (input.value) {
      const index = dates.findIndex(function (d) { return d >= input.value; });
      slider.value = index === -1 ? dates.length : index;
    }
    slider.addEventListener("input", function () {
      const i = Number(slider.value);
      output.textContent = i >= dates.length ? output.dataset.todayLabel : dates[i];
    });
    slider.addEventListener("change", function () {
      const i = Number(slider.value);
      input.value = i >= dates.length ? "" : dates[i];
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  // Controls that need JavaScript (copy, PNG) are hidden in the HTML and shown here.
  function enhance() {
    document.querySelectorAll("[data-copy][hidden], [data-download-png][hidden]").forEach(function (el) {
      if (el.dataset.copy && !navigator.clipboard) return;
      el.hidden = false;
    });
  }

  // The language switch posts "next"; keep it on the URL htmx pushed, so the filters survive.
  function syncLanguageNext() {
    document.querySelectorAll("form.lang input[name=next]").forEach(function (input) {
      input.value = window.location.pathname + window.location.search;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawAll();
    bindSlider();
    enhance();
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    const panel = document.getElementById("panel");
    const opened = panel && event.detail && event.detail.target === panel && panel.firstElementChild;
    if (opened) panel.hidden = false;  // before drawing: a chart in a hidden box would get no width
    drawAll();
    enhance();
    if (opened) showPanel(panel);
  });
  ["htmx:pushedIntoHistory", "htmx:replacedInHistory", "htmx:historyRestore"].forEach(function (name) {
    document.addEventListener(name, syncLanguageNext);
  });
  window.addEventListener("popstate", syncLanguageNext);
  document.addEventListener("submit", function (event) {
    if (event.target.matches && event.target.matches("form.lang")) syncLanguageNext();
  });
  // Keep shared URLs short: drop empty filters and the default "show both".
  document.addEventListener("htmx:configRequest", function (event) {
    if (!event.detail.elt.closest("#filters")) return;
    const params = event.detail.parameters;
    for (const key of Array.from(params.keys())) {
      if (params.get(key) === "" || (key === "show" && params.get(key) === "both")) params.delete(key);
    }
  });
  document.addEventListener("click", function (event) {
    // A milestone's name in the table opens its panel beside the chart (a plain link without JavaScript).
    const link = event.target.closest("a[data-panel]");
    if (link && document.getElementById("panel") && window.htmx && !event.ctrlKey && !event.metaKey && !event.shiftKey) {
      event.preventDefault();
      openPanel(link.getAttribute("href") + asOfQuery(link), link);
      return;
    }
    const copy = event.target.closest("[data-copy]");
    if (copy) {
      const field = document.getElementById(copy.dataset.copy);
      const status = copy.parentElement.querySelector(".copy-status");
      field.select();
      navigator.clipboard.writeText(field.value).then(
        function () { if (status) status.textContent = copy.dataset.copiedLabel || "✓"; },
        function () { if (status) status.textContent = ""; }
      );
      return;
    }
    const png = event.target.closest("[data-download-png]");
    if (png) {
      const chart = document.getElementById(png.dataset.downloadPng);
      if (chart && window.Plotly) {
        window.Plotly.downloadImage(chart, { format: "png", scale: 2, filename: chart.dataset.filename || "timeline" });
      }
      return;
    }
    if (event.target.closest("#panel [data-close-panel]")) closePanel();
  });
  document.addEventListener("keydown", function (event) {
    const panel = document.getElementById("panel");
    if (!panel || panel.hidden) return;
    if (event.key === "Escape") {
      event.preventDefault();
      closePanel();
    } else if (event.key === "Tab") {
      const items = focusables(panel);
      if (!items.length) return;
      const first = items[0];
      const last = items[items.length - 1];
      const inside = panel.contains(document.activeElement);
      if (event.shiftKey && (!inside || document.activeElement === first)) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && (!inside || document.activeElement === last)) {
        event.preventDefault();
        first.focus();
      }
    }
  });
})();
