/* Photo viewer: enhances the gallery's plain links to large photos into a modal viewer.
   Uses <dialog>: the browser keeps focus inside it and closes it with Escape; we add
   previous/next (buttons and arrow keys), a caption read out on change, and focus
   restored to the thumbnail on close. Without this script every thumbnail is a link. */
(function () {
  "use strict";

  function text(list, name, fallback) {
    return list.getAttribute("data-label-" + name) || fallback;
  }

  function setUp(list) {
    var links = Array.prototype.slice.call(list.querySelectorAll(".js-gallery-link"));
    if (!links.length || typeof HTMLDialogElement !== "function") {
      return; // no <dialog> support: the links keep working as links
    }
    var lang = list.closest("[lang]");
    var dialog = document.createElement("dialog");
    dialog.className = "sl-lightbox";
    if (lang) {
      dialog.setAttribute("lang", lang.getAttribute("lang"));
    }
    dialog.setAttribute("aria-label", list.getAttribute("aria-label") || "");

    var figure = document.createElement("figure");
    figure.className = "sl-lightbox__figure";
    var image = document.createElement("img");
    image.className = "sl-lightbox__image";
    var caption = document.createElement("figcaption");
    caption.className = "sl-lightbox__caption";
    caption.setAttribute("aria-live", "polite");
    var counter = document.createElement("span");
    counter.className = "sl-lightbox__counter";
    var captionText = document.createElement("span");
    caption.appendChild(counter);
    caption.appendChild(captionText);
    figure.appendChild(image);
    figure.appendChild(caption);

    function button(name, label, symbol) {
      var element = document.createElement("button");
      element.type = "button";
      element.className = "sl-lightbox__button sl-lightbox__button--" + name;
      element.setAttribute("aria-label", label);
      element.textContent = symbol;
      return element;
    }
    var previous = button("previous", text(list, "previous", "Previous photo"), "‹");
    var next = button("next", text(list, "next", "Next photo"), "›");
    var close = button("close", text(list, "close", "Close"), "×");
    dialog.appendChild(close);
    dialog.appendChild(figure);
    dialog.appendChild(previous);
    dialog.appendChild(next);
    document.body.appendChild(dialog);

    var current = 0;
    var opener = null;
    var counterText = text(list, "counter", "{n} / {total}");

    function show(index) {
      current = (index + links.length) % links.length;
      var link = links[current];
      var thumbnail = link.querySelector("img");
      var figcaption = link.parentNode.querySelector("figcaption");
      image.src = link.getAttribute("href");
      image.width = Number(link.getAttribute("data-width")) || 0;
      image.height = Number(link.getAttribute("data-height")) || 0;
      image.alt = thumbnail ? thumbnail.alt : "";
      counter.textContent = counterText.replace("{n}", String(current + 1)).replace("{total}", String(links.length)) + " ";
      captionText.textContent = figcaption ? figcaption.textContent : image.alt;
    }

    links.forEach(function (link, index) {
      link.addEventListener("click", function (event) {
        if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) {
          return; // let the reader open the photo in a new tab
        }
        event.preventDefault();
        opener = link;
        show(index);
        dialog.showModal();
        close.focus();
      });
    });
    previous.addEventListener("click", function () { show(current - 1); });
    next.addEventListener("click", function () { show(current + 1); });
    close.addEventListener("click", function () { dialog.close(); });
    var controls = [close, previous, next];
    dialog.addEventListener("keydown", function (event) {
      if (event.key === "Tab") {
        // keep focus among the viewer's buttons (the browser alone would let it reach its own toolbar)
        var at = controls.indexOf(document.activeElement);
        var step = event.shiftKey ? -1 : 1;
        event.preventDefault();
        controls[(at + step + controls.length) % controls.length].focus();
      } else if (event.key === "ArrowLeft") {
        event.preventDefault();
        show(current - 1);
      } else if (event.key === "ArrowRight") {
        event.preventDefault();
        show(current + 1);
      }
    });
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) {
        dialog.close(); // a click on the backdrop
      }
    });
    dialog.addEventListener("close", function () {
      if (opener) {
        opener.focus();
      }
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll(".js-gallery"), setUp);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
