// Live inbox: one EventSource per page; every "inbox" event makes htmx re-read the parts
// that listen for "inbox-changed" (the ticket list, the open transcript). No reload.
(function () {
  if (!window.EventSource || !document.body.dataset.live) return;
  const source = new EventSource("/console/events");
  source.addEventListener("inbox", function (event) {
    let detail = {};
    try { detail = JSON.parse(event.data); } catch (e) { /* a keep-alive */ }
    htmx.trigger(document.body, "inbox-changed", detail);
  });
})();
