/* The assessment editor (templates/assessments/assessment_form.html): each section is its own
 * form, so saving one sends nothing of the others. So that what was typed in another section is
 * not lost when the page comes back after the save, this script keeps it in the tab's session
 * storage on submit and puts it back, unsaved and marked so, once the page has loaded again.
 * Without JavaScript the page says to save each section before moving on. */
(function () {
  "use strict";

  var editor = document.querySelector("[data-editor]");
  if (!editor) {
    return;
  }
  var key = "hrddp-editor:" + window.location.pathname;
  var sections = editor.querySelectorAll("form[data-section]");

  function changed(form) {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.type === "hidden" || field.type === "submit") {
        return;
      }
      if (field.type === "radio" || field.type === "checkbox") {
        if (field.checked !== field.defaultChecked) {
          values[field.name + "=" + field.value] = field.checked;
        }
      } else if (field.value !== field.defaultValue) {
        values[field.name] = field.value;
      }
    });
    return values;
  }

  sections.forEach(function (form) {
    form.addEventListener("submit", function () {
      var kept = {};
      sections.forEach(function (other) {
        var values = other === form ? {} : changed(other);
        if (Object.keys(values).length) {
          kept[other.dataset.section] = values;
        }
      });
      if (Object.keys(kept).length) {
        window.sessionStorage.setItem(key, JSON.stringify(kept));
      }
    });
  });

  var stored = window.sessionStorage.getItem(key);
  window.sessionStorage.removeItem(key);
  if (!stored) {
    return;
  }
  var kept = JSON.parse(stored);
  sections.forEach(function (form) {
    var values = kept[form.dataset.section];
    if (!values) {
      return;
    }
    Object.keys(values).forEach(function (name) {
      var parts = name.split("=");
      if (parts.length === 2) {
        var choice = form.querySelector('[name="' + parts[0] + '"][value="' + parts[1] + '"]');
        if (choice) {
          choice.checked = values[name];
        }
      } else if (form.elements[name]) {
        form.elements[name].value = values[name];
      }
    });
    var notice = document.createElement("p");
    notice.className = "alert alert-warning";
    notice.setAttribute("role", "status");
    notice.textContent = editor.dataset.restored;
    form.insertBefore(notice, form.firstChild);
    form.dispatchEvent(new Event("change"));
  });
})();
