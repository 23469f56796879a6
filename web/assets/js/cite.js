// Copying citations: the "Copy citation" menu of a hit, and the clipboard.
//
// The citation text comes from the server (`/api/cite/{id}`), rendered by the
// same code as `normsearch cite`, so the page never builds one of its own.
// Clipboard writes try, in order: the async Clipboard API (with a
// ClipboardItem promise where the browser has one, so Safari keeps the
// click's permission while the text is fetched), `execCommand("copy")` on a
// hidden field, and last a dialog with the text selected for Ctrl+C.
// `window.__normsearch.lastCopy` records what was copied, for tests (headless
// browsers' clipboards are unreliable) and for nothing else.

import * as api from "./api.js";
import { h } from "./dom.js";

/** The formats offered, in menu order: API name and label. */
export const FORMATS = [
  ["plain", "Plain text"],
  ["chicago", "Chicago"],
  ["bibtex", "BibTeX"],
  ["json", "JSON"],
];

/** Text of a citation in `format` (JSON pretty-printed). */
export async function citationText(id, format) {
  const value = await api.cite(id, format);
  return format === "json" ? JSON.stringify(value, null, 2) + "\n" : value;
}

function recordCopy(id, format, text, via) {
  const hook = (window.__normsearch ??= {});
  hook.lastCopy = { id, format, text, via };
}

function execCopy(text) {
  const field = h("textarea", { readonly: true, "aria-hidden": "true", class: "offscreen", tabindex: "-1" });
  field.value = text;
  document.body.appendChild(field);
  const focused = document.activeElement;
  field.select();
  let ok = false;
  try {
    ok = document.execCommand("copy");
  } catch {
    ok = false;
  }
  field.remove();
  focused?.focus?.({ preventScroll: true });
  return ok;
}

/** Shows the text selected in a modal dialog, for the user to copy by hand. */
function manualCopy(text, label) {
  const area = h("textarea", { readonly: true, rows: "8", "aria-label": `${label} citation` });
  area.value = text;
  const dialog = h(
    "dialog",
    { class: "copy-dialog", "aria-labelledby": "copy-dialog-title" },
    h("h2", { id: "copy-dialog-title" }, "Copy the citation"),
    h("p", null, "The browser did not allow copying. Press Ctrl+C (⌘C on a Mac) to copy the selected text."),
    area,
    h("form", { method: "dialog" }, h("button", { class: "button" }, "Close")),
  );
  dialog.addEventListener("close", () => dialog.remove());
  document.body.appendChild(dialog);
  dialog.showModal();
  area.select();
}

/**
 * Copies the citation of passage `id` in `format`. Returns how it was copied:
 * "clipboard", "exec" or "manual" (the user was shown the text); throws an
 * ApiError when the server refuses.
 */
export async function copyCitation(id, format) {
  const label = FORMATS.find(([f]) => f === format)?.[1] ?? format;
  const pending = citationText(id, format);
  let text = null;
  pending.then((t) => (text = t), () => {});
  const clip = navigator.clipboard;
  if (clip && window.isSecureContext) {
    try {
      if (typeof ClipboardItem === "function" && clip.write) {
        const blob = pending.then((t) => new Blob([t], { type: "text/plain" }));
        await clip.write([new ClipboardItem({ "text/plain": blob })]);
      } else {
        await clip.writeText(await pending);
      }
      recordCopy(id, format, await pending, "clipboard");
      return "clipboard";
    } catch (err) {
      if (err instanceof api.ApiError) throw err;
      // Refused (no focus, no permission): try the older ways below.
    }
  }
  text ??= await pending;
  if (execCopy(text)) {
    recordCopy(id, format, text, "exec");
    return "exec";
  }
  recordCopy(id, format, text, "manual");
  manualCopy(text, label);
  return "manual";
}

/**
 * The "Copy citation" disclosure menu for passage `id`. `announce(text)`
 * reports the outcome to the live region.
 */
export function citeMenu(id, announce) {
  const status = h("span", { class: "copy-status", "aria-hidden": "true" });
  const items = FORMATS.map(([format, label]) =>
    h("li", null,
      h("button", {
        type: "button",
        class: "menu-item",
        dataset: { format },
        onclick: async (event) => {
          const details = event.currentTarget.closest("details");
          try {
            const via = await copyCitation(id, format);
            if (via !== "manual") {
              status.textContent = "Copied";
              announce(`${label} citation of ${id} copied to the clipboard`);
              setTimeout(() => (status.textContent = ""), 2500);
            }
          } catch (err) {
            announce(`Could not copy the citation: ${err.message}`);
            status.textContent = "Failed";
          }
          if (details) {
            details.open = false;
            details.querySelector("summary")?.focus();
          }
        },
      }, label)),
  );
  return h("details", { class: "cite-menu" },
    h("summary", { class: "button" }, "Copy citation", h("span", { class: "visually-hidden" }, ` of ${id}`)),
    h("ul", { class: "menu", "aria-label": `Citation formats for ${id}` }, items),
    status,
  );
}
