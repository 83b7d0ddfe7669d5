/* The assessment editor and the risk page: shows a risk's level as its likelihood and severity
 * are chosen, before saving. The server renders the same text for what is saved or posted; this
 * script only updates it, reading the server's matrix (risk.level_matrix, in the JSON script
 * element "level-scale"), so the page and the server never disagree. */
(function () {
  "use strict";

  var source = document.getElementById("level-scale");
  if (!source) {
    return;
  }
  var scale = JSON.parse(source.textContent);
  var badges = { high: "text-bg-danger", medium: "text-bg-warning", low: "text-bg-success" };

  function chosen(form, name) {
    var input = form.querySelector('input[name="' + name + '"]:checked');
    var value = input ? parseInt(input.value, 10) : NaN;
    return value >= 1 && value <= 5 ? value : null;
  }

  function update(box) {
    var form = box.closest("form");
    var output = box.querySelector("[data-level-text]");
    var likelihood = chosen(form, box.dataset.likelihood);
    var severity = chosen(form, box.dataset.severity);
    output.textContent = "";
    if (!likelihood || !severity) {
      output.textContent = box.dataset.empty;
      return;
    }
    var level = scale.matrix[likelihood][severity];
    var badge = document.createElement("span");
    badge.className = "badge " + badges[level];
    badge.textContent = scale.labels[level];
    output.appendChild(document.createTextNode(likelihood * severity + " · "));
    output.appendChild(badge);
  }

  document.querySelectorAll("[data-level-output]").forEach(function (box) {
    var form = box.closest("form");
    form.addEventListener("change", function (event) {
      var name = event.target.name;
      if (name === box.dataset.likelihood || name === box.dataset.severity) {
        update(box);
      }
    });
  });
})();
