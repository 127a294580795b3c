// Organisation autocomplete (data-org-autocomplete="<api url>"): suggests organisations by name from
// /api/v1/organizations?q= into the input's <datalist>; picking one puts its id into the field
// (needs datalist-autocomplete.js).
window.kimDatalistAutocomplete("data-org-autocomplete", "per_page=15&", function (org) {
  return org.name + (org.city ? " (" + org.city + ")" : "");
});
