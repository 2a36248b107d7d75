/*
 * API tokens page: copy the new token, select it on focus, confirm before revoking.
 * Loaded as a same-origin <script src> (no inline script under the CSP). Its words come
 * translated from the page (the copy button's data-sb-copied… attributes), so no JavaScript
 * catalogue is needed.
 */
(function () {
  "use strict";

  function copyText(input) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(input.value);
    }
    input.select();
    return document.execCommand("copy") ? Promise.resolve() : Promise.reject(new Error("copy"));
  }

  document.querySelectorAll("[data-sb-copy]").forEach(function (button) {
    var input = document.getElementById(button.dataset.sbCopy);
    var status = document.querySelector("[data-sb-copy-status]");
    button.addEventListener("click", function () {
      copyText(input).then(
        function () {
          button.textContent = button.dataset.sbCopied;
          if (status) status.textContent = button.dataset.sbCopiedStatus;
        },
        function () {
          input.select();
          if (status) status.textContent = button.dataset.sbCopyFailed;
        }
      );
    });
  });

  document.querySelectorAll("[data-sb-select-on-focus]").forEach(function (input) {
    input.addEventListener("focus", function () { input.select(); });
  });

  document.querySelectorAll("form[data-sb-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.sbConfirm)) event.preventDefault();
    });
  });
})();
