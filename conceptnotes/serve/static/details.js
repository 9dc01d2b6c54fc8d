// The Details form: note.md's front matter as fields. The server reads, checks and writes
// it (the build's own rules, not a copy of them here); text is only ever set as textContent.
"use strict";
(() => {
  const form = document.getElementById("details-form");
  if (!form) return;
  const body = document.body.dataset;
  const api = `/api/details/${encodeURIComponent(body.note)}/${body.lang}`;
  const DATE = /^\d{4}-\d{2}-\d{2}$/;
  let base = null;  // the values as note.md held them when the form was filled
  let lists = {countries: [], languages: []};  // what the fields offer, as the server gave them
  let timer = 0;
  let asked = 0;  // the number of the latest check asked for: an older answer is dropped

  const field = (name) => form.querySelector(`[data-field="${name}"]`);
  const status = (text) => { document.getElementById("d-status").textContent = text; };

  function setDate(input, value) {
    // a value a date box cannot show (TODO, a wrong date) is kept until the officer changes the box
    input.dataset.written = value;
    input.dataset.touched = "";
    input.value = DATE.test(value) ? value : "";
    input.title = value && !DATE.test(value) ? `note.md has “${value}”` : "";
  }

  function dateOf(input) {
    return input.dataset.touched || DATE.test(input.dataset.written) ? input.value : input.dataset.written;
  }

  function organizerRow(text) {
    const row = document.getElementById("organizer-row").content.firstElementChild.cloneNode(true);
    row.querySelector("input").value = text;
    row.querySelector(".remove").addEventListener("click", () => { row.remove(); changed(); });
    return row;
  }

  function contactRow(contact) {
    const row = document.getElementById("contact-row").content.firstElementChild.cloneNode(true);
    for (const input of row.querySelectorAll("input")) input.value = contact[input.dataset.key] || "";
    row.querySelector(".remove").addEventListener("click", () => { row.remove(); changed(); });
    return row;
  }

  function setCountries(countries, code) {
    const select = field("event.country");
    const options = countries.map((country) => new Option(`${country.name} (${country.code})`, country.code));
    if (!countries.some((country) => country.code === code)) {
      const said = code === "TODO" ? "Still TODO: choose the country" :
        code ? `${code}: not a country code the note accepts` : "Choose the country (or give the place's name below)";
      options.unshift(new Option(said, code));
    }
    select.replaceChildren(...options);
    select.value = code;
  }

  function setLanguages(languages, chosen) {
    document.getElementById("d-languages").replaceChildren(...languages.map((language) => {
      const label = conceptnotes.element("label", "", "check");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.name = "languages";
      box.value = language.code;
      box.checked = chosen.includes(language.code);
      label.append(box, ` ${language.code} ${language.name}`);
      return label;
    }));
  }

  function fill(data) {
    base = data.values;
    const values = data.values;
    for (const name of ["title", "subtitle", "symbol"]) field(name).value = values[name];
    for (const name of ["city", "country_name", "venue"]) field(`event.${name}`).value = values.event[name];
    setDate(field("date"), values.date);
    setDate(field("event.start"), values.event.start);
    setDate(field("event.end"), values.event.end);
    lists = {countries: data.countries, languages: data.languages};
    setCountries(lists.countries, values.event.country);
    setLanguages(lists.languages, values.languages);
    document.getElementById("d-organizers").replaceChildren(...values.organizers.map(organizerRow));
    document.getElementById("d-contacts").replaceChildren(...values.contacts.map(contactRow));
    field("numbered_paragraphs").checked = values.numbered_paragraphs;
  }

  function values() {
    const text = (name) => field(name).value;
    return {
      title: text("title"), subtitle: text("subtitle"), symbol: text("symbol"), date: dateOf(field("date")),
      languages: [...form.querySelectorAll('input[name="languages"]:checked')].map((box) => box.value),
      event: {start: dateOf(field("event.start")), end: dateOf(field("event.end")), city: text("event.city"),
              country: text("event.country"), country_name: text("event.country_name"), venue: text("event.venue")},
      organizers: [...form.querySelectorAll("#d-organizers input")].map((input) => input.value),
      contacts: [...form.querySelectorAll("#d-contacts .contact")].map((row) => Object.fromEntries(
        [...row.querySelectorAll("input")].map((input) => [input.dataset.key, input.value]))),
      numbered_paragraphs: field("numbered_paragraphs").checked,
    };
  }

  function showProblems(problems) {
    for (const list of form.querySelectorAll(".field-problems, #d-problems")) list.replaceChildren();
    for (const problem of problems) {
      const beside = problem.field && form.querySelector(`.field-problems[data-for="${problem.field}"]`);
      const item = conceptnotes.element("li", beside ? problem.message : problem.text, problem.warning ? "warning" : "");
      (beside || document.getElementById("d-problems")).append(item);
    }
  }

  async function load() {
    const response = await fetch(api);
    const data = await response.json();
    if (!response.ok) {
      showProblems((data.problems || []).map((text) => ({field: "", text})));
      status("The front matter cannot be read: fix note.md in your editor, as the problems say.");
      return;
    }
    document.getElementById("d-path").textContent = data.path;
    fill(data);
    showProblems([]);
    status("");
    check();
  }

  async function check() {
    const number = ++asked;
    const {status: code, data} = await conceptnotes.post(`${api}/check`, {values: values()});
    if (number !== asked) return;  // the officer typed on meanwhile
    showProblems(code === 200 ? data.problems : (data.problems || []).map((text) => ({field: "", text})));
  }

  function changed() {
    status("");
    window.clearTimeout(timer);
    timer = window.setTimeout(check, 300);
  }

  // the languages are compared as a set: the boxes come in the registry's order, a note's list in its own
  const comparable = (given) => JSON.stringify({...given, languages: [...given.languages].sort()});
  const dirty = () => base !== null && comparable(values()) !== comparable(base);

  async function save(submit) {
    submit.preventDefault();
    status("saving…");
    const {status: code, data} = await conceptnotes.post(api, {values: values(), base});
    if (code === 200) {
      base = data.values;
      showProblems(data.problems);
      status(data.problems.some((problem) => !problem.warning) ? "saved, with the problems above" : "saved");
    } else if (code === 409) {
      // note.md was changed meanwhile (an editor saved it): its values become the base, the officer's stay
      const changedFields = Object.keys(data.values).filter(
        (name) => JSON.stringify(data.values[name]) !== JSON.stringify(base[name]));
      const said = changedFields.map((name) => typeof data.values[name] === "string" ?
        `${name} is now “${data.values[name]}”` : `${name} changed`);
      base = data.values;
      status(`Not saved: note.md was changed meanwhile (${said.join("; ") || "its front matter"}). ` +
        "Your values are still in the form: save again to replace what it says.");
      form.classList.add("conflict");
    } else {
      status(`Not saved: ${(data.problems || [String(code)]).join("; ")}`);
    }
  }

  form.addEventListener("input", (event) => {
    if (event.target.type === "date") event.target.dataset.touched = "yes";
    form.classList.remove("conflict");
    changed();
  });
  form.addEventListener("change", changed);
  form.addEventListener("submit", save);
  document.getElementById("d-add-organizer").addEventListener("click", () => {
    const row = organizerRow("");
    document.getElementById("d-organizers").append(row);
    row.querySelector("input").focus();
  });
  document.getElementById("d-add-contact").addEventListener("click", () => {
    const row = contactRow({});
    document.getElementById("d-contacts").append(row);
    row.querySelector("input").focus();
  });
  // note.md saved elsewhere: the form follows it while the officer has changed nothing in it
  conceptnotes.on((event) => {
    if (event.type === "files" && !dirty()) load();
  });
  load();
})();
