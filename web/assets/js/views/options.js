// The options form of the grid and comparison pages: the URL's options as
// fields. Submitting it goes to the same page with the new options, so the
// address stays a permalink; options the form does not show (the sources
// chosen elsewhere) are carried in hidden fields.

import { h } from "../dom.js";

/** The kinds of passage a page can be narrowed to. */
export const KINDS = [["", "Any kind"], ["body", "Body text"], ["list-item", "List items"], ["footnote", "Footnotes"]];

/**
 * The form for `path`. `fields`: `{ name, label, type?, options?, placeholder?, default? }`,
 * shown in order; `carry`: names kept from the URL as hidden fields.
 */
export function optionsForm(ctx, path, fields, carry = []) {
  const params = ctx.url.searchParams;
  const control = (f) => {
    const id = `opt-${f.name}`;
    const value = params.get(f.name) || f.default || "";
    let input;
    if (f.type === "checkbox") {
      input = h("input", { id, name: f.name, type: "checkbox", value: "true", checked: value === "true" });
      return h("label", { class: "option check", for: id }, input, " ", f.label);
    }
    if (f.options) {
      // A value set elsewhere (a list of themes in the address) stays chosen.
      const options = f.options.some(([v]) => v === value) ? f.options : [...f.options, [value, value]];
      input = h("select", { id, name: f.name },
        options.map(([v, label]) => h("option", { value: v, selected: v === value }, label)));
    } else {
      input = h("input", { id, name: f.name, type: f.type || "text", value, placeholder: f.placeholder || "", autocomplete: "off", spellcheck: "false" });
    }
    return h("label", { class: "option", for: id }, h("span", null, f.label), input);
  };
  const hidden = carry.flatMap((name) => params.getAll(name).map((v) => h("input", { type: "hidden", name, value: v })));
  return h("form", {
    class: "options",
    role: "search",
    action: path,
    method: "get",
    onsubmit: (event) => {
      event.preventDefault();
      const p = new URLSearchParams();
      for (const [k, v] of new FormData(event.target)) if (String(v).trim()) p.append(k, String(v).trim());
      ctx.navigate(p.toString() ? `${path}?${p}` : path);
    },
  }, fields.map(control), hidden, h("button", { type: "submit" }, "Show"));
}
