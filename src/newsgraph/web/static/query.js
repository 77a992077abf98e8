// The query page: YASGUI with one tab per example (a separate file: the pages' CSP allows no inline script).
(function () {
  if (typeof Yasgui === "undefined") return;  // the plain form stays
  var data = JSON.parse(document.getElementById("query-data").textContent);
  document.body.classList.add("yasgui-ready");  // show the editor's box before it measures itself
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: data.endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    persistenceId: null,        // start from the examples on every visit
    populateFromUrl: false,
    autofocus: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: data.endpoint }]; } },
    yasr: { prefixes: data.prefixes }
  });
  // Result links: YASGUI links an IRI to itself, but the IRIs minted under data.base are served
  // here, whatever host and port the user reached; send those links to this server (data.local).
  function localise(a) {
    var href = a.getAttribute("href");
    if (!data.base || !href || href.indexOf(data.base) !== 0) return;
    var rest = href.slice(data.base.length);
    if (/^(id|graph)\//.test(rest)) a.setAttribute("href", data.local + rest);
  }
  var root = document.getElementById("yasgui");
  new MutationObserver(function () { root.querySelectorAll("a[href]").forEach(localise); })
    .observe(root, { childList: true, subtree: true });
  root.addEventListener("click", function (event) {
    var a = event.target.closest && event.target.closest("a[href]");
    if (a) localise(a);
  }, true);
  // One tab per example query (the chosen one active), or the query given in the URL. Tabs that are
  // not shown have no editor yet: they get their query through their initial configuration.
  var tabs = {};
  var start = yasgui.getTab();
  start.setName(data.chosenTitle || "Query");
  start.setQuery(data.query);
  start.setEndpoint(data.endpoint);
  if (data.chosen) tabs[data.chosen] = start;
  data.examples.forEach(function (ex) {
    if (ex.name === data.chosen) return;
    tabs[ex.name] = yasgui.addTab(false, {
      name: ex.title, yasqe: { value: ex.text }, requestConfig: { endpoint: data.endpoint, method: "POST" }
    });
  });
  document.querySelectorAll("#examples a[data-example]").forEach(function (a) {
    a.addEventListener("click", function (event) {
      var tab = tabs[a.dataset.example];
      if (!tab) return;
      event.preventDefault();
      yasgui.selectTabId(tab.getId());
    });
  });
  window.newsgraphYasgui = yasgui;
})();
