// The admin's autocomplete (select2) draws its own combobox, which has no name in an inline
// row: name it, and its text box, after the <select>'s aria-label (its column header).
"use strict";
{
    function nameAutocompletes(root) {
        root.querySelectorAll("select.admin-autocomplete[aria-label]").forEach((select) => {
            const container = document.getElementById("select2-" + select.id + "-container");
            if (!container) return;
            const nameId = select.id + "-a11y-name";
            if (!document.getElementById(nameId)) {
                const name = document.createElement("span");
                name.id = nameId;
                name.hidden = true;
                name.textContent = select.getAttribute("aria-label");
                select.after(name);
            }
            container.setAttribute("aria-labelledby", nameId);
            const combobox = container.closest("[role=combobox]");
            if (combobox) combobox.setAttribute("aria-labelledby", nameId + " " + container.id);
        });
    }
    // Whenever select2 draws a widget: when the page is ready (jQuery may run that after "load")
    // and when "Add another" adds a row.
    let pending = false;
    new MutationObserver(() => {
        if (pending) return;
        pending = true;
        setTimeout(() => {
            pending = false;
            nameAutocompletes(document);
        }, 0);
    }).observe(document.documentElement, { childList: true, subtree: true });
    nameAutocompletes(document);
}
