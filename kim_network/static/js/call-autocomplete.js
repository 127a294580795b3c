// Call autocomplete (data-call-autocomplete="<api url>"): suggests calls and Horizon Europe topics by
// code or title from /api/v1/calls?q= into the input's <datalist>.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("[data-call-autocomplete]"), function (input) {
    var url = input.getAttribute("data-call-autocomplete");
    var list = document.getElementById(input.getAttribute("list"));
    var timer = null, latest = 0;
    if (!list) { return; }
    input.addEventListener("input", function () {
      var text = input.value.trim();
      window.clearTimeout(timer);
      if (text.length < 3) { return; }
      timer = window.setTimeout(function () {
        var ticket = ++latest;
        fetch(url + "?q=" + encodeURIComponent(text), { credentials: "same-origin", headers: { "Accept": "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { items: [] }; })
          .then(function (body) {
            if (ticket !== latest) { return; }
            list.textContent = "";
            body.items.forEach(function (call) {
              var option = document.createElement("option");
              option.value = call.id;
              option.textContent = call.title || call.id;
              list.appendChild(option);
            });
          })
          .catch(function () {});
      }, 200);
    });
  });
})();
