// Skill autocomplete for comma-separated skill inputs (data-skill-autocomplete="<api url>").
// Suggests skills from /api/v1/skills?q= for the word being typed; Enter or a click takes one.
(function () {
  "use strict";

  function lastTerm(value) {
    var parts = value.split(",");
    return parts[parts.length - 1].trim();
  }

  function replaceLast(value, label) {
    var parts = value.split(",");
    parts[parts.length - 1] = " " + label;
    return parts.map(function (p) { return p.trim(); }).filter(Boolean).join(", ") + ", ";
  }

  function attach(input) {
    var url = input.getAttribute("data-skill-autocomplete");
    var lang = document.documentElement.lang || "de";
    var list = document.createElement("ul");
    var listId = input.id + "-suggestions";
    var items = [];
    var active = -1;
    var timer = null;
    var latest = 0;

    list.className = "autocomplete-list";
    list.id = listId;
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.parentNode.classList.add("autocomplete");
    input.parentNode.appendChild(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("aria-expanded", "false");

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function choose(index) {
      if (index < 0 || index >= items.length) { return; }
      input.value = replaceLast(input.value, items[index].label);
      close();
      input.focus();
    }

    function highlight(index) {
      var nodes = list.children;
      for (var i = 0; i < nodes.length; i++) {
        nodes[i].setAttribute("aria-selected", i === index ? "true" : "false");
      }
      active = index;
      if (index >= 0) { input.setAttribute("aria-activedescendant", nodes[index].id); }
    }

    function show(found) {
      items = found;
      list.textContent = "";
      found.forEach(function (skill, i) {
        var li = document.createElement("li");
        li.id = listId + "-" + i;
        li.setAttribute("role", "option");
        li.textContent = skill.label;
        li.addEventListener("mousedown", function (event) { event.preventDefault(); choose(i); });
        list.appendChild(li);
      });
      if (found.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        highlight(-1);
      } else {
        close();
      }
    }

    function lookup() {
      var term = lastTerm(input.value);
      if (term.length < 2) { close(); return; }
      var ticket = ++latest;
      fetch(url + "?limit=8&lang=" + encodeURIComponent(lang) + "&q=" + encodeURIComponent(term),
            { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (data) { if (ticket === latest) { show(data.items || []); } })
        .catch(function () { close(); });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(lookup, 150);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) { return; }
      if (event.key === "ArrowDown") { event.preventDefault(); highlight(Math.min(active + 1, items.length - 1)); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(Math.max(active - 1, 0)); }
      else if (event.key === "Enter" && active >= 0) { event.preventDefault(); choose(active); }
      else if (event.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  }

  document.querySelectorAll("input[data-skill-autocomplete]").forEach(attach);
}());
