/* Pickers (hrddp/pickers/fields.py): each text input marked data-picker-url becomes a
 * search-as-you-type field (Tom Select) that asks that URL for {"results": [{id, text}], "more"}
 * and submits the chosen ids. Without this script the input stays a plain text field that the
 * server reads as typed. The translated texts come from this script tag's data attributes. */
(function () {
  "use strict";

  var texts = document.currentScript.dataset;

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text || "";
    return div.innerHTML;
  }

  function message(text, className) {
    return function () {
      return '<div class="' + className + '">' + escapeHtml(text) + "</div>";
    };
  }

  function pageUrl(base, query, page) {
    var url = new URL(base, window.location.href);
    url.searchParams.set("q", query);
    if (page > 1) {
      url.searchParams.set("page", page);
    }
    return url.toString();
  }

  function setUp(input) {
    if (input.tomselect) {
      return;
    }
    var multiple = input.hasAttribute("data-picker-multiple");
    var base = input.dataset.pickerUrl;
    var plugins = { virtual_scroll: {} };
    if (multiple) {
      plugins.remove_button = { title: texts.remove };
    } else if (!input.required) {
      plugins.clear_button = { title: escapeHtml(texts.clear) };
    }
    var picker = new TomSelect(input, {
      plugins: plugins,
      dataAttr: "data-picker-selected",
      valueField: "id",
      labelField: "text",
      searchField: [],
      maxItems: multiple ? null : 1,
      maxOptions: null,
      delimiter: ";",
      create: false,
      persist: false,
      preload: "focus",
      loadThrottle: 250,
      // One letter begins too many words to be worth a search; from two, the list narrows.
      shouldLoad: function (query) {
        return query.length !== 1;
      },
      // The server searches names and aliases; every row it sends is a match.
      score: function () {
        return function () {
          return 1;
        };
      },
      firstUrl: function (query) {
        return pageUrl(base, query, 1);
      },
      load: function (query, callback) {
        var self = this;
        var url = self.getUrl(query);
        fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) {
            if (!response.ok) {
              throw new Error(response.status);
            }
            return response.json();
          })
          .then(function (json) {
            if (json.more) {
              var page = Number(new URL(url).searchParams.get("page") || 1) + 1;
              self.setNextUrl(query, pageUrl(base, query, page));
            }
            callback(json.results);
          })
          .catch(function () {
            callback();
          });
      },
      render: {
        no_results: message(texts.noResults, "no-results"),
        loading: function () {
          return (
            '<div class="p-2"><span class="spinner-border spinner-border-sm" aria-hidden="true">' +
            "</span> " + escapeHtml(texts.loading) + "</div>"
          );
        },
        loading_more: message(texts.loadingMore, "loading-more-results py-2 d-flex align-items-center"),
        no_more_results: message(texts.noMoreResults, "no-more-results"),
      },
    });
    // The original input only carries the value now: the label belongs to Tom Select's field.
    input.setAttribute("aria-hidden", "true");
    // The help text and any error stay announced with the field a person actually types in.
    var described = input.getAttribute("aria-describedby");
    if (described) {
      picker.control_input.setAttribute("aria-describedby", described);
    }
    if (input.classList.contains("is-invalid")) {
      picker.control_input.setAttribute("aria-invalid", "true");
    }
  }

  function setUpAll() {
    document.querySelectorAll("[data-picker-url]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
})();
