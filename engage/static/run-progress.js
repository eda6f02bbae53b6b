/* Theme run progress without reloading the page (templates/themes/progress.html).
   Without this script the page has a "Refresh" link; with it, the status line (a polite live
   region) and the progress bar are updated every 3 seconds, and when the run ends the line
   links to its themes. Focus never moves. */
(function () {
  "use strict";
  var box = document.getElementById("run-progress");
  if (!box || !window.fetch) { return; }
  var status = document.getElementById("run-status");
  var bar = box.querySelector("progress");
  var url = box.getAttribute("data-status-url");
  var last = status.textContent;

  function show(data) {
    if (data.text !== last) {
      status.textContent = data.text;
      last = data.text;
    }
    if (bar && typeof data.progress === "number") {
      bar.value = data.progress;
      bar.textContent = data.progress + "%";
    }
    if (data.finished) {
      var link = document.createElement("a");
      link.href = data.href;
      link.textContent = data.link_text;
      status.appendChild(document.createTextNode(" "));
      status.appendChild(link);
      return true;
    }
    return false;
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && show(data)) { return; }
        window.setTimeout(poll, 3000);
      })
      .catch(function () { window.setTimeout(poll, 6000); });
  }
  window.setTimeout(poll, 3000);
})();
