/* Smart Lab site script: progressive enhancement only; every page works without it.
   Loaded in <head> (no defer) so the remembered text size applies before the first paint. */
(function () {
  "use strict";

  var STORAGE_KEY = "sl-text-size";
  var SIZES = ["normal", "large", "largest"];
  var root = document.documentElement;
  // Styles for pages with this script (the phone menu): set before the first paint.
  root.classList.add("sl-js");

  function remembered() {
    try {
      return window.localStorage.getItem(STORAGE_KEY);
    } catch (error) {
      return null; // storage blocked: the size simply is not remembered
    }
  }

  function remember(size) {
    try {
      window.localStorage.setItem(STORAGE_KEY, size);
    } catch (error) {
      /* not remembered; still applied to this page */
    }
  }

  function apply(size) {
    var chosen = SIZES.indexOf(size) >= 0 ? size : "normal";
    root.setAttribute("data-text-size", chosen);
    return chosen;
  }

  var current = apply(remembered());

  function setUpTextSize() {
    var group = document.querySelector(".js-text-size");
    if (!group) {
      return;
    }
    var buttons = Array.prototype.slice.call(group.querySelectorAll("button[data-text-size]"));
    function showPressed() {
      buttons.forEach(function (button) {
        button.setAttribute("aria-pressed", String(button.getAttribute("data-text-size") === current));
      });
    }
    buttons.forEach(function (button) {
      button.addEventListener("click", function () {
        current = apply(button.getAttribute("data-text-size"));
        remember(current);
        showPressed();
      });
    });
    showPressed();
    group.hidden = false;
  }

  // The Menu button of narrow screens: opens and closes the text size, the search box and the
  // navigation (the CSS shows the button, and hides what it holds, only on narrow screens).
  function setUpMenu() {
    var header = document.querySelector(".js-header");
    var button = header && header.querySelector(".js-menu-button");
    if (!button) {
      return;
    }
    function setOpen(open) {
      header.classList.toggle("sl-header--open", open);
      button.setAttribute("aria-expanded", String(open));
    }
    button.addEventListener("click", function () {
      setOpen(button.getAttribute("aria-expanded") !== "true");
    });
    header.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        button.focus();
      }
    });
    button.hidden = false;
  }

  function setUp() {
    setUpTextSize();
    setUpMenu();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
