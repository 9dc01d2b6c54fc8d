// The translation workbench: the units one by one, checked as the translator types, saved to the catalog.
"use strict";
(() => {
  const body = document.body.dataset;
  const api = `/api/units/${encodeURIComponent(body.note)}/${body.lang}`;
  const labels = {translated: "translated", fuzzy: "fuzzy: check it", untranslated: "untranslated"};

  function setChecks(card, problems) {
    card.querySelector(".checks").replaceChildren(...problems.map((text) => conceptnotes.element("li", text)));
    card.classList.toggle("has-problems", problems.length > 0);
  }

  function setUnit(card, unit) {
    card.unit = unit;
    card.dataset.key = unit.key;
    card.dataset.state = unit.state;
    card.querySelector(".state").textContent = labels[unit.state];
    card.querySelector(".where").textContent = `note.md:${unit.note_line}` + (unit.po_line ? ` · .po:${unit.po_line}` : "");
  }

  // each link's address, which the translation keeps (a page in this language is set in the catalog)
  function showLinks(card, links) {
    const list = card.querySelector(".unit-links");
    list.hidden = links.length === 0;
    list.replaceChildren(...links.map(([text, address, own]) => {
      const item = conceptnotes.element("li", `Link “${text}” → `);
      item.append(conceptnotes.element("code", address, "address"));
      if (own) {
        item.append(` (in ${body.lang}: `, conceptnotes.element("code", own, "own-address"), ")");
      }
      return item;
    }));
  }

  // the glossary's terms in the source: the language's term (and its variants), and whether the saved translation has one
  function showTerms(card, terms) {
    const list = card.querySelector(".unit-terms");
    list.hidden = terms.length === 0;
    list.replaceChildren(...terms.map(([term, forms, found]) => {
      const item = conceptnotes.element("li", `Glossary “${term}” → `);
      const [first, ...others] = forms.map((form) => {
        const term = conceptnotes.element("bdi", form, "term");  // isolated: an Arabic term in an English line
        term.lang = body.lang;
        return term;
      });
      item.append(first);
      if (others.length) item.append(" (or ", ...others.flatMap((term, i) => (i ? [", ", term] : [term])), ")");
      if (!found && card.unit.msgstr) {
        item.classList.add("term-missing");
        item.append(" — not in the translation");
      }
      return item;
    }));
  }

  // the translation memory's matches: the same source (100%) or a close one (its changes shown), each
  // with where it came from and a button that puts it in the box, for the translator to review and save
  function showMatches(card, matches) {
    const list = card.querySelector(".memory");
    list.hidden = matches.length === 0;
    list.replaceChildren(...matches.map((match) => {
      const item = conceptnotes.element("li", "", "match");
      item.append(conceptnotes.element("span", `${match.quality}%`, "quality"), " ",
        conceptnotes.element("span", match.origin, "origin"));
      const text = conceptnotes.element("div", match.translation, "match-text");
      text.lang = body.lang;
      text.dir = card.querySelector("textarea").dir;
      item.append(text);
      if (match.diff_html) {
        const diff = conceptnotes.element("div", "", "match-diff");
        diff.innerHTML = match.diff_html;  // made by the server from escaped text
        diff.prepend(conceptnotes.element("span", "Its source, to this unit's: ", "label"));
        item.append(diff);
      }
      const use = conceptnotes.element("button", "Use", "use");
      use.type = "button";
      use.addEventListener("click", () => {
        const box = card.querySelector("textarea");
        box.value = match.translation;
        box.dispatchEvent(new Event("input"));
        box.focus();
      });
      item.append(use);
      return item;
    }));
  }

  function makeCard(unit) {
    const card = document.getElementById("unit-template").content.firstElementChild.cloneNode(true);
    setUnit(card, unit);
    // source_html and diff_html are made by the server from the escaped source: no user markup
    card.querySelector(".unit-source").innerHTML = unit.source_html;
    showLinks(card, unit.links);
    showTerms(card, unit.terms);
    showMatches(card, unit.matches);
    if (unit.diff_html) {
      const previous = card.querySelector(".previous");
      previous.hidden = false;
      previous.open = true;
      previous.querySelector(".diff").innerHTML = unit.diff_html;
    }
    const box = card.querySelector("textarea");
    box.value = unit.msgstr;
    box.rows = Math.max(2, Math.ceil(unit.msgid.length / 70));
    setChecks(card, unit.problems);
    let timer = 0;
    box.addEventListener("input", () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(async () => {
        const {status, data} = await conceptnotes.post(`/api/check/${encodeURIComponent(body.note)}/${body.lang}`, {msgid: card.unit.msgid, msgstr: box.value});
        if (status === 200) setChecks(card, data.problems);
      }, 250);
    });
    card.querySelector(".save").addEventListener("click", () => save(card));
    return card;
  }

  async function save(card) {
    const said = card.querySelector(".saved");
    const box = card.querySelector("textarea");
    said.textContent = "saving…";
    const {status, data} = await conceptnotes.post(api, {
      key: card.unit.key, msgstr: box.value, base_msgstr: card.unit.msgstr, base_state: card.unit.state,
    });
    if (status === 200) {
      setUnit(card, data.unit);
      showTerms(card, data.unit.terms);
      setChecks(card, data.unit.problems);
      said.textContent = data.unit.problems.length ? "saved, with the problems above" : "saved";
      counts();
    } else if (status === 409) {
      // another tab or person saved this unit meanwhile: theirs is shown, this text stays in the box
      setUnit(card, data.unit);
      said.textContent = `Not saved: this unit was saved elsewhere meanwhile as “${data.unit.msgstr}”. ` +
        "Your text is still in the box: save again to replace theirs.";
      card.classList.add("conflict");
    } else {
      said.textContent = `Not saved: ${(data.problems || [String(status)]).join("; ")}`;
    }
  }

  async function load() {
    const response = await fetch(`${api}?show=${encodeURIComponent(body.show)}`);
    const data = await response.json();
    if (!response.ok) { conceptnotes.showProblems(data.problems || []); return; }
    conceptnotes.showProblems([]);
    showCounts(data.counts);
    document.getElementById("catalog").textContent = data.catalog;
    const cards = data.units.map(makeCard);
    document.getElementById("units").replaceChildren(...cards);
    document.getElementById("no-units").hidden = cards.length > 0;
    for (const link of document.querySelectorAll(".filters a")) {
      if (link.dataset.show === body.show) link.setAttribute("aria-current", "page");
    }
  }

  function showCounts(counts) {
    document.getElementById("count-untranslated").textContent = counts.untranslated;
    document.getElementById("count-fuzzy").textContent = counts.fuzzy;
    document.getElementById("count-all").textContent = counts.translated + counts.fuzzy + counts.untranslated;
  }

  async function counts() {
    const response = await fetch(`${api}?show=all`);
    if (response.ok) showCounts((await response.json()).counts);
  }

  conceptnotes.on((event) => {
    if (event.type === "files") counts();
  });
  load();
  preview.start(() => "catalog");
})();
