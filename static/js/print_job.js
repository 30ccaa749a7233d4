// A print job's page: the progress bar follows the worker, and the page reloads once the file is ready (or the
// print failed) to show the download. A static file: the Content-Security-Policy runs no inline script.
(function () {
  "use strict";
  var bar = document.querySelector("progress[data-status-url]");
  if (!bar) {
    return;
  }
  var text = document.getElementById(bar.getAttribute("data-text"));
  var url = bar.getAttribute("data-status-url");

  function poll() {
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.status === 404) {
          // The job is gone (expired, or a person on it erased): the page says so once reloaded.
          window.location.reload();
          return undefined;
        }
        return response.ok ? response.json() : null;
      })
      .then(function (job) {
        if (job === undefined) {
          return;
        }
        if (job) {
          bar.value = job.percent;
          bar.textContent = job.percent + " %";
          if (text) {
            text.textContent = job.text;
          }
          if (job.finished) {
            window.location.reload();
            return;
          }
        }
        window.setTimeout(poll, 1000);
      })
      .catch(function () {
        window.setTimeout(poll, 3000);
      });
  }

  window.setTimeout(poll, 500);
})();
