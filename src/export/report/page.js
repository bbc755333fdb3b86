// The evidence browser of a statemine report: reads the JSON data island, filters by
// theme, period, speaker and text, sorts by date and shows one page of rows at a time.
// Every value reaches the page as a text node (never as markup). Filters live in the URL
// fragment, so a view can be linked; the state is reported on <body> for tests.
(function () {
  "use strict";
  var PAGE = 50;
  var body = document.body;
  var started = performance.now();
  var initialHash = location.hash;
  window.addEventListener("error", function (e) {
    body.dataset.status = "error";
    body.dataset.error = String(e.message || e);
  });
  document.addEventListener("securitypolicyviolation", function (e) {
    body.dataset.status = "error";
    body.dataset.error = "CSP: " + e.violatedDirective;
  });

  var data = JSON.parse(document.getElementById("report-data").textContent);
  var docs = data.docs, rows = data.rows, themes = data.themes, periods = data.periods;
  var $ = function (id) { return document.getElementById(id); };
  var el = function (tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  };
  var option = function (select, value, label) {
    var o = el("option", label);
    o.value = value;
    select.appendChild(o);
  };

  // Filter choices.
  themes.forEach(function (t, i) { option($("f-theme"), String(i), t.label + " (" + t.id + ")"); });
  periods.forEach(function (p, i) { option($("f-period"), String(i), p.name); });
  var speakerSet = {};
  rows.forEach(function (r) {
    var s = docs[r[0]][4];
    if (s) speakerSet[s] = true;
    if (r[2]) speakerSet[r[2]] = true;
  });
  Object.keys(speakerSet).sort().forEach(function (s) { option($("f-speaker"), s, s); });

  var state = { theme: "", period: "", speaker: "", q: "", sort: "asc", page: 1 };
  var themeIndex = {};
  themes.forEach(function (t, i) { themeIndex[t.id] = i; });

  function isFilterHash(hash) { return hash.indexOf("=") >= 0; }

  function readHash() {
    var params = new URLSearchParams(location.hash.slice(1));
    var theme = params.get("theme") || "";
    state.theme = theme in themeIndex ? String(themeIndex[theme]) : "";
    var period = params.get("period") || "";
    var found = "";
    periods.forEach(function (p, i) { if (p.name === period) found = String(i); });
    state.period = found;
    state.speaker = params.get("speaker") || "";
    state.q = params.get("q") || "";
    state.sort = params.get("sort") === "desc" ? "desc" : "asc";
    state.page = Math.max(1, parseInt(params.get("page") || "1", 10) || 1);
  }

  function writeHash() {
    var params = new URLSearchParams();
    if (state.theme !== "") params.set("theme", themes[+state.theme].id);
    if (state.period !== "") params.set("period", periods[+state.period].name);
    if (state.speaker) params.set("speaker", state.speaker);
    if (state.q) params.set("q", state.q);
    if (state.sort === "desc") params.set("sort", "desc");
    if (state.page > 1) params.set("page", String(state.page));
    var text = params.toString();
    // An anchor of the page (a section link) stays while no filter is set.
    if (!text && location.hash && !isFilterHash(location.hash)) return;
    try {
      history.replaceState(null, "", text ? "#" + text : location.pathname + location.search);
    } catch (e) {
      // Some browsers refuse history changes on file: pages; the view still works.
    }
  }

  function syncControls() {
    $("f-theme").value = state.theme;
    $("f-period").value = state.period;
    $("f-speaker").value = state.speaker;
    $("f-q").value = state.q;
    $("f-sort").value = state.sort;
  }

  var haystack = null;
  function text(i) {
    if (!haystack) {
      haystack = rows.map(function (r) {
        var d = docs[r[0]];
        return [r[3], r[4], r[5], d[2], d[4], r[2], d[0]].join(" ").toLowerCase();
      });
    }
    return haystack[i];
  }

  function filtered() {
    var theme = state.theme === "" ? -1 : +state.theme;
    var period = state.period === "" ? null : periods[+state.period];
    var speaker = state.speaker;
    var words = state.q.toLowerCase().split(/\s+/).filter(Boolean);
    var out = [];
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i], d = docs[r[0]];
      if (theme >= 0 && r[1] !== theme) continue;
      if (period && (d[1] < period.start || d[1] > period.end)) continue;
      if (speaker && d[4] !== speaker && r[2] !== speaker) continue;
      if (words.length) {
        var t = text(i), all = true;
        for (var w = 0; w < words.length; w++) if (t.indexOf(words[w]) < 0) { all = false; break; }
        if (!all) continue;
      }
      out.push(i);
    }
    // Rows arrive ordered by date then document; the sort is stable on that order.
    if (state.sort === "desc") {
      out.sort(function (a, b) {
        var da = docs[rows[a][0]][1], db = docs[rows[b][0]][1];
        return da < db ? 1 : da > db ? -1 : a - b;
      });
    }
    return out;
  }

  function row(i) {
    var r = rows[i], d = docs[r[0]];
    var tr = el("tr", null, "ev");
    tr.appendChild(el("td", d[1], "date"));
    tr.appendChild(el("td", d[4]));
    tr.appendChild(el("td", r[2]));
    tr.appendChild(el("td", themes[r[1]].id));
    var passage = el("td", null, "passage");
    passage.appendChild(document.createTextNode(r[3]));
    passage.appendChild(el("mark", r[4]));
    passage.appendChild(document.createTextNode(r[5]));
    tr.appendChild(passage);
    var cell = el("td");
    if (d[3]) {
      var a = el("a", d[2] || d[0]);
      a.href = d[3];
      a.rel = "noopener noreferrer";
      cell.appendChild(a);
    } else {
      cell.appendChild(document.createTextNode(d[2] || ""));
    }
    cell.appendChild(document.createTextNode(" "));
    cell.appendChild(el("code", d[0]));
    tr.appendChild(cell);
    return tr;
  }

  function render() {
    var hits = filtered();
    var pages = Math.max(1, Math.ceil(hits.length / PAGE));
    state.page = Math.min(state.page, pages);
    var tbody = $("ev-rows");
    var fragment = document.createDocumentFragment();
    var from = (state.page - 1) * PAGE;
    hits.slice(from, from + PAGE).forEach(function (i) { fragment.appendChild(row(i)); });
    tbody.replaceChildren(fragment);
    $("ev-count").textContent = hits.length + " of " + rows.length + " rows";
    $("ev-page").textContent = "page " + state.page + " of " + pages;
    $("ev-prev").disabled = state.page <= 1;
    $("ev-next").disabled = state.page >= pages;
    body.dataset.total = String(rows.length);
    body.dataset.shown = String(hits.length);
    body.dataset.page = String(state.page);
    body.dataset.filter = [
      state.theme === "" ? "" : themes[+state.theme].id,
      state.period === "" ? "" : periods[+state.period].name,
      state.speaker, state.q
    ].join("|");
    writeHash();
  }

  function fromControls() {
    state.theme = $("f-theme").value;
    state.period = $("f-period").value;
    state.speaker = $("f-speaker").value;
    state.q = $("f-q").value;
    state.sort = $("f-sort").value;
    state.page = 1;
    render();
  }

  ["f-theme", "f-period", "f-speaker", "f-sort"].forEach(function (id) {
    $(id).addEventListener("change", fromControls);
  });
  var typing = null;
  $("f-q").addEventListener("input", function () {
    clearTimeout(typing);
    typing = setTimeout(fromControls, 150);
  });
  $("filters").addEventListener("submit", function (e) { e.preventDefault(); fromControls(); });
  $("f-clear").addEventListener("click", function () {
    state = { theme: "", period: "", speaker: "", q: "", sort: "asc", page: 1 };
    syncControls();
    render();
  });
  $("ev-prev").addEventListener("click", function () { state.page -= 1; render(); });
  $("ev-next").addEventListener("click", function () { state.page += 1; render(); });
  // Section links (#evidence) move the view; only a fragment with filters sets them.
  window.addEventListener("hashchange", function () {
    if (!isFilterHash(location.hash)) return;
    readHash();
    syncControls();
    render();
  });

  // A chart point: its theme (the series label is the theme id) and period.
  document.addEventListener("click", function (e) {
    var point = e.target.closest ? e.target.closest(".point") : null;
    if (!point) return;
    var theme = point.getAttribute("data-series");
    if (!(theme in themeIndex)) return;
    state.theme = String(themeIndex[theme]);
    state.period = point.getAttribute("data-period");
    state.page = 1;
    syncControls();
    render();
    $("evidence").scrollIntoView();
  });

  readHash();
  syncControls();
  render();

  // Test hook: `#click=THEME:PERIOD_INDEX` clicks that chart point once loaded, through
  // the same event path as a mouse.
  var click = new URLSearchParams(initialHash.slice(1)).get("click");
  if (click) {
    var parts = click.split(":");
    var points = document.querySelectorAll(".point");
    for (var k = 0; k < points.length; k++) {
      if (points[k].getAttribute("data-series") === parts[0] &&
          points[k].getAttribute("data-period") === parts[1]) {
        points[k].dispatchEvent(new MouseEvent("click", { bubbles: true }));
        break;
      }
    }
  }
  body.dataset.initMs = String(Math.round(performance.now() - started));
  // Time from the start of navigation: reading the file, parsing the page, this script.
  body.dataset.readyMs = String(Math.round(performance.now()));
  if (body.dataset.status === "loading") body.dataset.status = "ok";
})();
