// The periodic task admin page (templates/admin/djcelery/change_periodictask_form.html): under the
// crontab field, the schedule in words. django-celery-beat's own inline script, moved here.
"use strict";
(function ($) {
    const script = document.currentScript;
    const readableCrontabs = JSON.parse(document.getElementById("readable-crontabs").textContent);
    const help = document.querySelector(".field-crontab .help");
    const originalHelp = help ? help.textContent.trim() : "";

    function showTranslation(text) {
        if (!help) {
            return;
        }
        help.textContent = originalHelp;
        if (text === undefined) {
            return;
        }
        help.appendChild(document.createElement("br"));
        help.appendChild(document.createTextNode(`${script.dataset.translationLabel} ${text}`));
    }

    $(".field-crontab_translation").hide();
    $(".field-crontab").change(function () {
        showTranslation(readableCrontabs[$("#id_crontab").val()]);
    });
})(django.jQuery);
