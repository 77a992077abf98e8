// Type-ahead for the search box on every page: suggestions from /search?format=json as the user
// types (a static file: the pages' CSP allows no inline script). Without JavaScript the box
// still submits to /search.
(function () {
  var input = document.querySelector("header form.search input[name=q]");
  var list = document.getElementById("search-suggestions");
  if (!input || !list || !window.fetch) return;
  var timer = null, last = "";
  input.addEventListener("input", function () {
    var q = input.value.trim();
    clearTimeout(timer);
    if (q.length < 2 || q === last) return;
    timer = setTimeout(function () {
      last = q;
      fetch(input.dataset.suggest + "?format=json&q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) {
          while (list.firstChild) list.removeChild(list.firstChild);
          data.results.slice(0, 10).forEach(function (e) {
            var option = document.createElement("option");
            option.value = e.label;
            option.label = e.type;
            list.appendChild(option);
          });
        })
        .catch(function () {});
    }, 150);
  });
})();
