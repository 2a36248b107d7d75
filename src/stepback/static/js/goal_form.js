/*
 * The goal form's milestone table (goals/_milestone_rows.html): "Add a milestone" appends a
 * row from the template and focuses its date; a ticked Remove box greys its row out. Without
 * this file the table still works: it always has spare blank rows, and Remove applies on save.
 */
(function () {
  "use strict";

  function setUp() {
    var add = document.getElementById("milestone-add");
    var rows = document.getElementById("milestone-rows");
    var template = document.getElementById("milestone-row-template");
    if (!add || !rows || !template) return;
    add.hidden = false;
    add.addEventListener("click", function () {
      var index = rows.rows.length;
      var row = template.content.firstElementChild.cloneNode(true);
      row.querySelectorAll("[aria-label], [value], .visually-hidden").forEach(function (el) {
        if (el.hasAttribute("aria-label")) {
          el.setAttribute("aria-label", el.getAttribute("aria-label").replace("__n__", index + 1));
        }
        if (el.getAttribute("value") === "__i__") el.setAttribute("value", String(index));
        if (el.classList.contains("visually-hidden")) {
          el.textContent = el.textContent.replace("__n__", index + 1);
        }
      });
      rows.appendChild(row);
      row.querySelector("input").focus();
    });
    rows.addEventListener("change", function (event) {
      var box = event.target;
      if (box.name === "milestones-remove") box.closest("tr").classList.toggle("sb-removed", box.checked);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
