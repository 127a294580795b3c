// Call autocomplete (data-call-autocomplete="<api url>"): suggests calls and Horizon Europe topics by
// code or title from /api/v1/calls?q= into the input's <datalist> (needs datalist-autocomplete.js).
window.kimDatalistAutocomplete("data-call-autocomplete", "", function (call) { return call.title || call.id; });
