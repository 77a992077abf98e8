// The query page: YASGUI with one tab per example (a separate file: the pages' CSP allows no inline script).
// Tabs and their edits are kept in the browser's localStorage, so a reload keeps what the user
// typed; result cells show labels (the data's rdfs:label, skos:prefLabel or dcterms:title) and
// short IRIs, and literals as plain values ("1", not "1"^^xsd:integer).
(function () {
  if (typeof Yasgui === "undefined") return;  // the plain form stays
  var data = JSON.parse(document.getElementById("query-data").textContent);
  document.body.classList.add("yasgui-ready");  // show the editor's box before it measures itself

  // Compact result tables by default: prefixed IRIs without <>, literals without their datatype.
  // The table's own "Compact" switch still turns it off (and that choice is kept).
  var Table = Yasgui.Yasr && Yasgui.Yasr.plugins && Yasgui.Yasr.plugins.table;
  if (Table && Table.prototype && !Table.prototype.newsgraphCompact) {
    var draw = Table.prototype.draw;
    Table.prototype.draw = function (config) {
      return draw.call(this, Object.assign({ compact: true }, config || {}));
    };
    Table.prototype.newsgraphCompact = true;
  }

  var FLAG = "newsgraph-query-tabs";  // set once this browser has the example tabs
  var firstVisit = true;
  try { firstVisit = !window.localStorage.getItem(FLAG); } catch (e) { /* storage off: every visit is the first */ }
  var request = { endpoint: data.endpoint, method: "POST" };
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: request,
    copyEndpointOnNewTab: true,
    persistenceId: "newsgraph-query",
    persistencyExpire: 60 * 60 * 24 * 90,  // seconds: edits are kept for 90 days
    populateFromUrl: false,
    autofocus: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: data.endpoint }]; } },
    yasr: { prefixes: data.prefixes }
  });

  // Result links: YASGUI links an IRI to itself, but the IRIs minted under data.base are served
  // here, whatever host and port the user reached; send those links to this server (data.local).
  var root = document.getElementById("yasgui");
  function localise(a) {
    var href = a.getAttribute("href");
    if (!data.base || !href || href.indexOf(data.base) !== 0) return;
    var rest = href.slice(data.base.length);
    if (/^(id|graph)\//.test(rest)) {
      a.dataset.iri = href;
      a.setAttribute("href", data.local + rest);
    }
  }
  // Labels for the IRIs in result cells, asked of this server's endpoint in one query per batch.
  var labels = {}, asked = {}, timer = null;
  function applyLabel(a) {
    var label = labels[a.dataset.iri];
    if (label && a.textContent !== label) {
      a.title = a.textContent + " — " + a.dataset.iri;
      a.textContent = label;
    }
  }
  function fetchLabels() {
    timer = null;
    var wanted = [];
    root.querySelectorAll(".yasr table a[data-iri]").forEach(function (a) {
      var iri = a.dataset.iri;
      if (!asked[iri] && /^[^<>"{}|^`\\\s]+$/.test(iri) && wanted.length < 200) { asked[iri] = true; wanted.push(iri); }
    });
    if (!wanted.length || !window.fetch) return;
    var query = "SELECT ?s (SAMPLE(?l) AS ?label) WHERE { VALUES ?s { <" + wanted.join("> <") + "> } " +
      "?s <http://www.w3.org/2004/02/skos/core#prefLabel>|<http://www.w3.org/2000/01/rdf-schema#label>|" +
      "<http://purl.org/dc/terms/title> ?l } GROUP BY ?s";
    fetch(data.local + "sparql", { method: "POST", body: query, headers: {
      "Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json" } })
      .then(function (r) { return r.ok ? r.json() : { results: { bindings: [] } }; })
      .then(function (json) {
        json.results.bindings.forEach(function (b) { if (b.label) labels[b.s.value] = b.label.value; });
        root.querySelectorAll(".yasr table a[data-iri]").forEach(applyLabel);
      })
      .catch(function () {});
  }
  new MutationObserver(function () {
    root.querySelectorAll("a[href]").forEach(localise);
    root.querySelectorAll(".yasr table a[data-iri]").forEach(applyLabel);
    if (!timer) timer = setTimeout(fetchLabels, 50);
  }).observe(root, { childList: true, subtree: true });
  root.addEventListener("click", function (event) {
    var a = event.target.closest && event.target.closest("a[href]");
    if (a) localise(a);
  }, true);

  // One tab per example query. The first visit puts the chosen example (or the URL's query) in the
  // first tab; later visits keep the tabs as the user left them, add any new example, and open
  // what the URL asks for. Tabs not shown have no editor yet: they get their query through their
  // initial configuration.
  var config = yasgui.persistentConfig;
  function tabNamed(name) {
    var ids = config.getTabs();
    for (var i = 0; i < ids.length; i++) if ((config.getTab(ids[i]) || {}).name === name) return ids[i];
    return null;
  }
  var chosen = null;
  data.examples.forEach(function (ex) { if (ex.name === data.chosen) chosen = ex; });
  if (firstVisit) {
    var start = yasgui.getTab();
    start.setName(chosen ? chosen.title : "Query");
    start.setQuery(data.query);
    start.setEndpoint(data.endpoint);
  }
  data.examples.forEach(function (ex) {
    if (tabNamed(ex.title) === null) {
      yasgui.addTab(false, { name: ex.title, yasqe: { value: ex.text }, requestConfig: request });
    }
  });
  if (!firstVisit && data.given) {
    if (chosen) yasgui.selectTabId(tabNamed(chosen.title));
    else yasgui.addTab(true, { name: "Query", yasqe: { value: data.query }, requestConfig: request });
  }
  try { window.localStorage.setItem(FLAG, "1"); } catch (e) { /* nothing kept: fine */ }
  // YASGUI stores a tab's text when its editor loses focus; store it as the user types too, and as
  // the page goes away, so that a reload right after typing keeps the edit.
  function keep() {
    var tab = yasgui.getTab();
    if (tab && tab.getYasqe() && tab.handleYasqeBlur) tab.handleYasqeBlur(tab.getYasqe());
  }
  var typing = null;
  root.addEventListener("keyup", function () { clearTimeout(typing); typing = setTimeout(keep, 300); });
  window.addEventListener("pagehide", keep);
  document.querySelectorAll("#examples a[data-example]").forEach(function (a) {
    a.addEventListener("click", function (event) {
      var ex = data.examples.filter(function (e) { return e.name === a.dataset.example; })[0];
      var id = ex && tabNamed(ex.title);
      if (!id) return;
      event.preventDefault();
      yasgui.selectTabId(id);
    });
  });
  window.newsgraphYasgui = yasgui;
})();
