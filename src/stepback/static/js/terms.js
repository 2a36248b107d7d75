/*
 * A term of the method ({% term %}, core/glossary.py) opens its explanation as a popover.
 * The browser puts a popover in the middle of the screen; this places it by its term: below
 * it (above when there is no room below), its left edge at the term's, kept inside the
 * window on a phone, and following the term while the page scrolls. Without JavaScript the
 * popover still opens, centred. Positions are set through CSSOM (element.style), which the
 * CSP allows; no inline style is written.
 */
(function () {
  "use strict";

  var GAP = 6;
  var MARGIN = 8;
  var open = null;

  function invokerOf(tip) {
    return document.querySelector('[popovertarget="' + tip.id + '"]');
  }

  function place(tip) {
    var button = invokerOf(tip);
    if (!button) {
      return;
    }
    var anchor = button.getBoundingClientRect();
    var width = tip.offsetWidth;
    var height = tip.offsetHeight;
    var left = Math.min(anchor.left, window.innerWidth - width - MARGIN);
    var top = anchor.bottom + GAP;
    if (top + height > window.innerHeight - MARGIN && anchor.top - GAP - height >= MARGIN) {
      top = anchor.top - GAP - height;
    }
    tip.style.left = Math.max(MARGIN, left) + "px";
    tip.style.top = Math.max(MARGIN, top) + "px";
  }

  function follow() {
    if (open) {
      place(open);
    }
  }

  // "beforetoggle" places it before it is first drawn (its size not yet known), "toggle"
  // once more with its size.
  function onToggle(event) {
    var tip = event.target;
    if (!(tip instanceof HTMLElement) || !tip.classList.contains("sb-term-tip")) {
      return;
    }
    if (event.newState === "open") {
      tip.classList.add("sb-term-tip-anchored");
      place(tip);
      open = tip;
    } else if (open === tip) {
      open = null;
    }
  }

  document.addEventListener("beforetoggle", onToggle, true);
  document.addEventListener("toggle", onToggle, true);
  window.addEventListener("scroll", follow, { passive: true });
  window.addEventListener("resize", follow);
})();
