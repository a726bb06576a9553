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
    if (narrow() && layout.meta && layout.meta.short_ticktext) {
      layout.yaxis.ticktext = layout.meta.short_ticktext;
      layout.margin = Object.assign({}, layout.margin, { l: 4, r: 6 });
      if (layout.legend) layout.legend.font = { size: 10 };
    }
    const config = {
      responsive: true,
      displaylogo: false,
      modeBarButtonsToRemove: ["lasso2d", "select2d"],
      toImageButtonOptions: { filename: el.dataset.filename || "timeline", scale: 2 },
    };
    window.Plotly.react(el, figure.data, layout, config).then(function () {
      el.dataset.drawn = "true";
      el.dispatchEvent(new CustomEvent("chart:drawn", { bubbles: true }));
    });
    if (!el.dataset.bound) {
      el.dataset.bound = "true";
      el.on("plotly_click", function (event) {
        const point = event.points && event.points[0];
        const url = point && point.customdata && point.customdata[0];
        if (!url || !window.htmx) return;
        const asOf = document.getElementById("id_as_of");
        const query = asOf && asOf.value ? "?as_of=" + encodeURIComponent(asOf.value) : "";
        window.htmx.ajax("GET", url + query, { target: "#panel", swap: "innerHTML" });
      });
    }
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

  document.addEventListener("DOMContentLoaded", function () {
    drawAll();
    bindSlider();
  });
  document.addEventListener("htmx:afterSettle", drawAll);
  // Keep shared URLs short: drop empty filters and the default "show both".
  document.addEventListener("htmx:configRequest", function (event) {
    if (!event.detail.elt.closest("#filters")) return;
    const params = event.detail.parameters;
    for (const key of Array.from(params.keys())) {
      if (params.get(key) === "" || (key === "show" && params.get(key) === "both")) params.delete(key);
    }
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-close-panel]")) {
      const panel = document.getElementById("panel");
      if (panel) panel.replaceChildren();
    }
  });
  document.addEventListener("keydown", function (event) {
    const panel = document.getElementById("panel");
    if (event.key === "Escape" && panel) panel.replaceChildren();
  });
})();
