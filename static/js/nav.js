// The site menu (templates/base.html). It is rendered open so that it reads without JavaScript; on a
// screen narrower than the laptop layout it starts closed behind its "Menu" button, and reopens
// when the screen widens (its button is hidden there). The dropdowns inside it ("More", the
// account) close on Escape, on a click elsewhere and when another one opens.
(function () {
  "use strict";
  const menu = document.querySelector("[data-site-menu]");
  if (!menu) {
    return;
  }
  const wide = window.matchMedia("(min-width: 1200px)");
  const fit = () => {
    menu.open = wide.matches;
  };
  fit();
  wide.addEventListener("change", fit);

  const dropdowns = () => Array.from(menu.querySelectorAll("details.nav-dropdown[open]"));
  menu.addEventListener(
    "toggle",
    (event) => {
      const opened = event.target;
      if (opened.matches("details.nav-dropdown") && opened.open) {
        dropdowns().forEach((other) => {
          if (other !== opened) {
            other.open = false;
          }
        });
      }
    },
    true,
  );
  document.addEventListener("click", (event) => {
    dropdowns().forEach((dropdown) => {
      if (!dropdown.contains(event.target)) {
        dropdown.open = false;
      }
    });
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") {
      return;
    }
    dropdowns().forEach((dropdown) => {
      const hadFocus = dropdown.contains(document.activeElement);
      dropdown.open = false;
      if (hadFocus) {
        dropdown.querySelector("summary").focus();
      }
    });
  });
})();
