// Organisation autocomplete (data-org-autocomplete="<api url>"): suggests organisations by name from
// /api/v1/organizations?q= into the input's <datalist>; picking one puts its id into the field.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("[data-org-autocomplete]"), function (input) {
    var url = input.getAttribute("data-org-autocomplete");
    var list = document.getElementById(input.getAttribute("list"));
    var timer = null, latest = 0;
    if (!list) { return; }
    input.addEventListener("input", function () {
      var text = input.value.trim();
      window.clearTimeout(timer);
      if (text.length < 3) { return; }
      timer = window.setTimeout(function () {
        var ticket = ++latest;
        fetch(url + "?per_page=15&q=" + encodeURIComponent(text), { credentials: "same-origin", headers: { "Accept": "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { items: [] }; })
          .then(function (body) {
            if (ticket !== latest) { return; }
            list.textContent = "";
            body.items.forEach(function (org) {
              var option = document.createElement("option");
              option.value = org.id;
              option.textContent = org.name + (org.city ? " (" + org.city + ")" : "");
              list.appendChild(option);
            });
          })
          .catch(function () {});
      }, 200);
    });
  });
})();
