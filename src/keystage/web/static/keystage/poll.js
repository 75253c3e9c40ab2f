// While a file is being checked, ask every two seconds; reload the page once it is done.
(function () {
  var box = document.getElementById("checking");
  if (!box || !window.fetch) return;
  var url = box.getAttribute("data-status-url");
  function ask() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (s) { if (s.in_progress) { setTimeout(ask, 2000); } else { window.location.reload(); } })
      .catch(function () { setTimeout(ask, 5000); });
  }
  setTimeout(ask, 1000);
})();
