/* The ecosystem map: loads /api/v1/map, draws it with sigma.js (WebGL), filters, search,
   focus on a neighbourhood, details on click and exports. Positions come from the server,
   so the browser only draws: thousands of nodes stay smooth. */
(function () {
  "use strict";

  var app = document.getElementById("map-app");
  if (!app || typeof Sigma === "undefined" || typeof graphology === "undefined") { return; }

  var i18n = JSON.parse(app.getAttribute("data-i18n") || "{}");
  // Kinds and regions in words, in the page's language (never "media_company" or "DE21").
  var names = JSON.parse(app.getAttribute("data-names") || "{}");
  function kindName(kind) { return (names.kinds || {})[kind] || (kind || "").replace(/_/g, " "); }
  function regionName(code) {
    var regions = names.regions || {};
    return regions[code] || regions[(code || "").slice(0, 4)] || code || "";
  }
  var api = app.getAttribute("data-api");
  var graphmlUrl = app.getAttribute("data-graphml");
  var csvUrl = app.getAttribute("data-csv");
  var statusEl = document.getElementById("map-status");
  var container = document.getElementById("map-canvas");
  var details = document.getElementById("map-details");
  var filters = document.getElementById("map-filters");
  var searchForm = document.getElementById("map-search");
  var searchInput = document.getElementById("map-search-input");
  var labelsList = document.getElementById("map-labels");
  var depthSelect = document.getElementById("map-depth");
  var legendList = document.getElementById("map-community-legend");
  var moreButton = document.getElementById("map-more");

  // Colour-blind friendly palette (Okabe-Ito plus Tol's muted), cycled by community.
  var PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#882255",
                 "#117733", "#AA4499", "#44AA99", "#999933", "#332288", "#DDCC77", "#661100"];
  var Graph = graphology.Graph || graphology;
  var graph = new Graph({ type: "undirected", multi: false, allowSelfLoops: false });
  var renderer = null;
  var state = { hovered: null, neighbours: null, focus: null, selected: null, meta: null };

  function t(key, values) {
    var text = i18n[key] || key;
    Object.keys(values || {}).forEach(function (k) { text = text.split("{" + k + "}").join(values[k]); });
    return text;
  }

  function colour(node) {
    if (node.kind === "skill") { return "#b3261e"; }
    if (node.community < 0) { return "#7a8a99"; }
    return PALETTE[node.community % PALETTE.length];
  }

  function filterQuery() {
    var params = new URLSearchParams();
    var kinds = Array.prototype.filter.call(filters.querySelectorAll("input[name=kind]"), function (el) { return el.checked; })
      .map(function (el) { return el.value; });
    var memberKind = filters.elements.member_kind.value;
    if (kinds.length && kinds.length < 3) { params.set("kind", kinds.concat(memberKind ? [memberKind] : []).join(",")); }
    else if (memberKind) { params.set("kind", memberKind); }
    ["region", "sme", "skill", "since", "until"].forEach(function (name) {
      var value = (filters.elements[name].value || "").trim();
      if (value) { params.set(name, value); }
    });
    return params;
  }

  function setExports(params) {
    var q = params.toString();
    document.getElementById("export-graphml").href = graphmlUrl + (q ? "?" + q : "");
    var nodes = new URLSearchParams(params); nodes.set("part", "nodes");
    var edges = new URLSearchParams(params); edges.set("part", "edges");
    document.getElementById("export-csv-nodes").href = csvUrl + "?" + nodes.toString();
    document.getElementById("export-csv-edges").href = csvUrl + "?" + edges.toString();
  }

  // Labels are drawn whole: long names wrap onto up to three lines, and a label that would run
  // past the right edge of the canvas is drawn on the left of its node instead.
  var LABEL_LINE = 30;

  function wrapLabel(text) {
    var words = String(text).split(/\s+/), lines = [], line = "";
    words.forEach(function (word) {
      if (line && (line + " " + word).length > LABEL_LINE) { lines.push(line); line = word; }
      else { line = line ? line + " " + word : word; }
    });
    if (line) { lines.push(line); }
    if (lines.length > 3) { lines = lines.slice(0, 2).concat([lines.slice(2).join(" ")]); }
    return lines;
  }

  function drawLabel(context, data, settings) {
    if (!data.label) { return; }
    var size = settings.labelSize, font = settings.labelFont, weight = settings.labelWeight;
    context.font = weight + " " + size + "px " + font;
    context.fillStyle = "#1f2a37";
    var lines = wrapLabel(data.label);
    var width = Math.max.apply(null, lines.map(function (l) { return context.measureText(l).width; }));
    var canvasWidth = context.canvas.width / (window.devicePixelRatio || 1);
    var canvasHeight = context.canvas.height / (window.devicePixelRatio || 1);
    var x = data.x + data.size + 3;
    if (x + width > canvasWidth - 4) { x = data.x - data.size - 3 - width; }
    x = Math.max(2, x);
    var top = data.y + size / 3 - (lines.length - 1) * size / 2;
    top = Math.min(Math.max(size, top), canvasHeight - (lines.length - 1) * (size + 1) - 4);
    lines.forEach(function (line, i) { context.fillText(line, x, top + i * (size + 1)); });
  }

  function roleText(role) { return role ? t("role_" + role) : ""; }

  function fillLegend(meta) {
    if (!legendList) { return; }
    legendList.textContent = "";
    (meta.legend || []).forEach(function (entry) {
      var li = document.createElement("li");
      var swatch = document.createElement("span");
      swatch.className = "legend-swatch community-" + (entry.community % PALETTE.length);
      swatch.setAttribute("aria-hidden", "true");
      var number = document.createElement("strong");
      number.textContent = String(entry.community + 1);
      var name = document.createElement("span");
      name.textContent = entry.name;
      var count = document.createElement("span");
      count.className = "count";
      count.textContent = t("members", { n: entry.size });
      li.appendChild(swatch); li.appendChild(number); li.appendChild(name); li.appendChild(count);
      legendList.appendChild(li);
    });
    legendList.hidden = !(meta.legend || []).length;
  }

  // Keep the focused node in view: when the details panel would cover it, move the camera.
  function keepClearOfPanel(node) {
    if (!renderer || details.hidden) { return; }
    var attrs = graph.getNodeAttributes(node);
    var point = renderer.graphToViewport({ x: attrs.x, y: attrs.y });
    var panel = details.getBoundingClientRect(), stage = container.getBoundingClientRect();
    var left = panel.left - stage.left - 24, bottom = panel.bottom - stage.top + 24;
    if (point.x < left || point.y > bottom) { return; }
    var camera = renderer.getCamera(), state = camera.getState();
    var here = renderer.viewportToFramedGraph(point);
    var there = renderer.viewportToFramedGraph({ x: Math.max(40, left * 0.45), y: point.y });
    camera.animate({ x: state.x + (here.x - there.x), y: state.y + (here.y - there.y) }, { duration: 300 });
  }

  function load(params, focusName) {
    statusEl.textContent = t("loading");
    app.setAttribute("data-state", "loading");
    return fetch(api + "?" + params.toString(), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) { throw new Error((body.error && body.error.message) || t("error")); }
          return body;
        });
      })
      .then(function (data) { draw(data, focusName); })
      .catch(function (err) {
        statusEl.textContent = t("error") + " " + err.message;
        app.setAttribute("data-state", "error");
      });
  }

  function draw(data, focusName) {
    graph.clear();
    data.nodes.forEach(function (n) {
      graph.addNode(n.id, {
        x: n.x, y: -n.y, size: n.size,
        label: n.label, color: colour(n), data: n
      });
    });
    data.edges.forEach(function (e) {
      if (!graph.hasNode(e.source) || !graph.hasNode(e.target) || graph.hasEdge(e.source, e.target)) { return; }
      graph.addEdge(e.source, e.target, {
        size: e.type === "partner" || e.type === "met" ? Math.min(3, 0.8 + Math.log(1 + e.weight) * 0.6) : 0.5,
        // A meeting held at a KI.M event stands out in the centre's green.
        color: e.type === "met" ? "#1e6b34" : (e.type === "needs" ? "#e8b4b0" : (e.type === "offers" ? "#f1cdc9" : "#c9d3df")),
        type: "line", kind: e.type
      });
    });
    state.meta = data.meta;
    state.hovered = null; state.neighbours = null; state.selected = null;
    if (!renderer) {
      renderer = new Sigma(graph, container, {
        renderEdgeLabels: false,
        labelRenderedSizeThreshold: 9,
        labelDensity: 0.5,
        defaultEdgeType: "line",
        zIndex: true,
        hideEdgesOnMove: true,  // panning and zooming stay fluid with tens of thousands of edges
        defaultDrawNodeLabel: drawLabel,
        nodeReducer: nodeReducer,
        edgeReducer: edgeReducer
      });
      renderer.on("clickNode", function (event) { select(event.node); });
      renderer.on("enterNode", function (event) { hover(event.node); });
      renderer.on("leaveNode", function () { hover(null); });
      renderer.on("clickStage", function () { select(null); });
    } else {
      renderer.refresh();
    }
    renderer.getCamera().setState({ x: 0.5, y: 0.5, ratio: 1, angle: 0 });
    var text = data.nodes.length ? t("shown", { shown: data.meta.shown, total: data.meta.total }) : t("empty");
    if (data.meta.truncated) { text += " " + t("truncated"); }
    if (focusName) { text = t("focused", { name: focusName }) + " – " + text; }
    statusEl.textContent = text;
    fillLegend(data.meta);
    var more = data.meta.focus && data.meta.focus.more;
    moreButton.hidden = !more;
    if (more) {
      moreButton.textContent = t("more", { shown: data.meta.focus.shown, total: data.meta.focus.total });
      moreButton.setAttribute("data-limit", String(more));
    }
    fillLabels(data.nodes);
    app.setAttribute("data-state", "ready");
    app.setAttribute("data-nodes", String(graph.order));
    if (state.focus && graph.hasNode(state.focus)) { select(state.focus); }
  }

  function fillLabels(nodes) {
    labelsList.textContent = "";
    nodes.slice().sort(function (a, b) { return b.size - a.size; }).slice(0, 2000).forEach(function (n) {
      var option = document.createElement("option");
      option.value = n.label;
      labelsList.appendChild(option);
    });
  }

  function nodeReducer(node, attrs) {
    var out = Object.assign({}, attrs);
    var active = state.hovered || state.selected;
    if (active && state.neighbours && node !== active && !state.neighbours.has(node)) {
      out.color = "#e3e7ec"; out.label = ""; out.zIndex = 0;
    } else if (active) {
      out.zIndex = 1;
    }
    if (node === state.selected) { out.highlighted = true; }
    return out;
  }

  function edgeReducer(edge, attrs) {
    var active = state.hovered || state.selected;
    if (active) {
      return graph.hasExtremity(edge, active) ? attrs : Object.assign({}, attrs, { hidden: true });
    }
    // Skill ties criss-cross the whole map: drawn only around the node in focus.
    if (attrs.kind === "offers" || attrs.kind === "needs") { return Object.assign({}, attrs, { hidden: true }); }
    return attrs;
  }

  function hover(node) {
    state.hovered = node;
    state.neighbours = node || state.selected ? new Set(graph.neighbors(node || state.selected)) : null;
    renderer.refresh({ skipIndexation: true });
  }

  function row(list, term, value) {
    if (value === null || value === undefined || value === "") { return; }
    var dt = document.createElement("dt"); dt.textContent = term;
    var dd = document.createElement("dd"); dd.textContent = value;
    list.appendChild(dt); list.appendChild(dd);
  }

  function profileUrl(n) {
    var id = encodeURIComponent(n.node_id);
    if (n.kind === "organization") { return "/organizations/" + id; }
    if (n.kind === "person") { return "/people/" + id; }
    return null;
  }

  function select(node) {
    state.selected = node;
    state.neighbours = node ? new Set(graph.neighbors(node)) : null;
    details.textContent = "";
    if (!node) { details.hidden = true; renderer.refresh({ skipIndexation: true }); return; }
    var n = graph.getNodeAttribute(node, "data");
    var h = document.createElement("h2"); h.textContent = n.label; details.appendChild(h);
    var list = document.createElement("dl");
    row(list, t(n.kind), n.subkind ? kindName(n.subkind) : "");
    if (n.community >= 0) { row(list, t("community"), String(n.community + 1)); }
    row(list, t("partners"), n.partners);
    if (n.kind !== "skill") { row(list, t("role"), roleText(n.role)); }
    row(list, t("region"), regionName(n.region));
    if (n.kind === "organization") { row(list, t("sme"), n.sme ? t("yes") : t("no")); }
    row(list, t("joined"), n.created_at);
    details.appendChild(list);
    var url = profileUrl(n);
    if (url) {
      var a = document.createElement("a"); a.href = url; a.textContent = t("profile"); a.className = "button button-small";
      details.appendChild(a);
      details.appendChild(document.createTextNode(" "));
    }
    var focusButton = document.createElement("button");
    focusButton.type = "button"; focusButton.className = "button button-small button-secondary";
    focusButton.textContent = t("focus");
    focusButton.addEventListener("click", function () { focusOn(n); });
    details.appendChild(focusButton);
    details.hidden = false;
    renderer.refresh({ skipIndexation: true });
    keepClearOfPanel(node);
  }

  function focusOn(n, limit) {
    state.focus = n.id;
    state.focusNode = n;
    var params = filterQuery();
    params.set("focus", n.id);
    params.set("depth", depthSelect.value || "1");
    if (limit) { params.set("focus_limit", String(limit)); }
    setExports(params);
    return load(params, n.label);
  }

  moreButton.addEventListener("click", function () {
    if (state.focusNode) { focusOn(state.focusNode, Number(moreButton.getAttribute("data-limit"))); }
  });

  function findNode(text) {
    var wanted = text.trim().toLowerCase();
    if (!wanted) { return null; }
    var exact = null, partial = null;
    graph.forEachNode(function (key, attrs) {
      var label = (attrs.label || "").toLowerCase();
      if (!exact && label === wanted) { exact = key; }
      if (!partial && label.indexOf(wanted) !== -1) { partial = key; }
    });
    return exact || partial;
  }

  filters.addEventListener("submit", function (event) {
    event.preventDefault();
    state.focus = null;
    var params = filterQuery();
    setExports(params);
    load(params);
  });
  filters.addEventListener("reset", function () {
    window.setTimeout(function () { state.focus = null; setExports(new URLSearchParams()); load(new URLSearchParams()); }, 0);
  });
  searchForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var key = findNode(searchInput.value);
    if (!key) { statusEl.textContent = t("not_found"); return; }
    focusOn(graph.getNodeAttribute(key, "data"));
  });

  document.getElementById("export-png").addEventListener("click", function () {
    if (!renderer) { return; }
    renderer.refresh();  // draw now, so the WebGL buffers still hold the picture when copied
    var canvases = renderer.getCanvases();
    var size = renderer.getDimensions();
    var ratio = window.devicePixelRatio || 1;
    var out = document.createElement("canvas");
    out.width = size.width * ratio; out.height = size.height * ratio;
    var ctx = out.getContext("2d");
    ctx.fillStyle = "#ffffff"; ctx.fillRect(0, 0, out.width, out.height);
    Object.keys(canvases).forEach(function (name) {
      ctx.drawImage(canvases[name], 0, 0, out.width, out.height);
    });
    out.toBlob(function (blob) {
      var a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = "kim-netzwerk-map.png";
      document.body.appendChild(a); a.click(); a.remove();
      window.setTimeout(function () { URL.revokeObjectURL(a.href); }, 1000);
    }, "image/png");
  });

  // For tests and the curious: the live graph and renderer.
  window.kimMap = { graph: graph, renderer: function () { return renderer; }, focus: focusOn, state: state };
  setExports(new URLSearchParams());
  load(new URLSearchParams());
})();
