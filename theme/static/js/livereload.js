/* Development only: tools/devserver.py adds this script to the pages it serves (never to the built
   files, and the file itself is not published). It listens to the server's build announcements
   (Server-Sent Events on /__livereload, same origin) and reloads the page when a newer build than
   the one it was served from is ready. */
(function () {
  "use strict";
  if (!window.EventSource) {
    return;
  }
  var script = document.currentScript;
  var shown = script ? script.getAttribute("data-build") : null;
  var events = new EventSource("/__livereload");
  events.onmessage = function (event) {
    if (shown === null) {
      shown = event.data; // served without a build number: the first announcement is this page's build
      return;
    }
    if (event.data !== shown) {
      events.close();
      window.location.reload();
    }
  };
})();
