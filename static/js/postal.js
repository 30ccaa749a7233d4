// The subscriber form: a 7-digit postal code, typed, fills the prefecture, municipality and town from the
// office's own copy of Japan Post's data (GET /subscribers/postal/<code>/). Fields a person has typed into are
// never overwritten silently: a button offers the address instead. Without this script the form works as before,
// and the server still warns on save when the address does not match its code.
"use strict";

(() => {
  const box = document.querySelector("[data-postal-lookup]");
  if (!box) return;
  const form = box.closest("form");
  const code = form.elements.namedItem("postal_code");
  const prefecture = form.elements.namedItem("prefecture");
  const municipality = form.elements.namedItem("municipality");
  const street = form.elements.namedItem("street_address");
  const line = box.querySelector(".postal-lookup");
  const status = box.querySelector("[data-postal-status]");
  const replace = box.querySelector("[data-postal-replace]");
  // On a new, unsent form the prefecture and municipality hold the office's defaults, not anything typed.
  const defaultsAreFree = box.dataset.newRecord === "true";
  const filled = new Map(); // field → the value this script put there
  let latest = "";
  let pending = [];

  const initialValue = (field) =>
    field instanceof HTMLSelectElement
      ? ([...field.options].find((option) => option.defaultSelected)?.value ?? "")
      : field.defaultValue;

  const isFree = (field) =>
    field.value.trim() === "" ||
    filled.get(field) === field.value ||
    (defaultsAreFree && field.value === initialValue(field));

  const digitsOf = (value) => value.normalize("NFKC").replace(/\D/g, "");
  // As the server compares: width folded, no spaces, 大字 or 字 aside.
  const folded = (value) => value.normalize("NFKC").replace(/\s/g, "").replace(/^大?字/, "");

  function put(changes) {
    for (const [field, value] of changes) {
      field.value = value;
      filled.set(field, value);
      field.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  function show(text, offerReplace) {
    status.textContent = text;
    replace.hidden = !offerReplace;
    line.hidden = false;
  }

  function hide() {
    pending = [];
    replace.hidden = true;
    line.hidden = true;
    status.textContent = "";
  }

  function fill(area) {
    const wanted = [
      [prefecture, area.prefecture],
      [municipality, area.municipality],
    ];
    // A code shared by several towns names no one town; a street that starts with the town is right already.
    if (area.town && area.alternates.length === 0 && !folded(street.value).startsWith(folded(area.town))) {
      wanted.push([street, area.town]);
    }
    const changes = wanted.filter(([field, value]) => field.value !== value);
    const free = changes.filter(([field]) => isFree(field));
    pending = changes.filter(([field]) => !isFree(field));
    put(free);
    const postal = `〒${area.postal_code.slice(0, 3)}-${area.postal_code.slice(3)}`;
    show(`${postal} ${area.prefecture}${area.municipality}${area.town}`, pending.length > 0);
  }

  async function lookUp() {
    const digits = digitsOf(code.value);
    if (digits.length !== 7) {
      latest = "";
      hide();
      return;
    }
    if (digits === latest) return;
    latest = digits;
    let response;
    try {
      response = await fetch(box.dataset.postalLookup.replace("0000000", digits), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
    } catch {
      latest = "";
      return; // offline or signed out: the form still works, and the server checks on save
    }
    if (digits !== latest) return; // a later code was typed meanwhile
    const type = response.headers.get("Content-Type") || "";
    if (!type.startsWith("application/json")) {
      hide();
      return;
    }
    const data = await response.json();
    if (response.ok) {
      fill(data);
    } else {
      pending = [];
      show(data.error, false);
    }
  }

  replace.addEventListener("click", () => {
    put(pending);
    pending = [];
    replace.hidden = true;
  });
  code.addEventListener("input", lookUp);
  code.addEventListener("change", lookUp);
})();
