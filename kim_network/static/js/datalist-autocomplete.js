// Shared by the datalist autocompletes (org-autocomplete.js, call-autocomplete.js): every input
// with the attribute `attribute` (its value is the API url) asks `url + "?" + query + "q=<text>"`
// once 3 letters are typed and puts the answer's items into the input's <datalist>, each with
// the item's id as its value and `label(item)` as its text.
window.kimDatalistAutocomplete = function (attribute, query, label) {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("[" + attribute + "]"), function (input) {
    var url = input.getAttribute(attribute);
    var list = document.getElementById(input.getAttribute("list"));
    var timer = null, latest = 0;
    if (!list) { return; }
    input.addEventListener("input", function () {
      var text = input.value.trim();
      window.clearTimeout(timer);
      if (text.length < 3) { return; }
      timer = window.setTimeout(function () {
        var ticket = ++latest;
        fetch(url + "?" + query + "q=" + encodeURIComponent(text), { credentials: "same-origin", headers: { "Accept": "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { items: [] }; })
          .then(function (body) {
            if (ticket !== latest) { return; }
            list.textContent = "";
            body.items.forEach(function (item) {
              var option = document.createElement("option");
              option.value = item.id;
              option.textContent = label(item);
              list.appendChild(option);
            });
          })
          .catch(function () {});
      }, 200);
    });
  });
};
