// A note's page: its source with numbered lines beside its pages.
"use strict";
(() => {
  const body = document.body.dataset;
  let path = "note.md";

  async function loadSource() {
    const response = await fetch(`/api/source/${encodeURIComponent(body.note)}/${body.lang}`);
    const data = await response.json();
    if (!response.ok) { conceptnotes.showProblems(data.problems || []); return; }
    path = data.path;
    document.getElementById("source-path").textContent = data.path;
    const current = document.querySelector(".source li.current");
    const lines = data.lines.map((text, index) => {
      const item = conceptnotes.element("li", text === "" ? "\u00a0" : text);
      item.id = `L${index + 1}`;
      return item;
    });
    document.getElementById("source").replaceChildren(...lines);
    if (current) preview.highlight(Number(current.id.slice(1)));
  }

  // a block of a translation points into the catalog; one without a unit (a table's frame) into note.md
  const pathOf = (block) => (block.po_line || !path.endsWith(".po") ? path : "note.md");
  conceptnotes.on((event) => {
    if (event.type === "files") loadSource();
  });
  // a problem in the file shown on the left: a click shows its line
  document.getElementById("problem-list").addEventListener("click", (click) => {
    const item = click.target.closest("li[data-line]");
    if (item && item.dataset.path === path) preview.highlight(Number(item.dataset.line));
  });
  loadSource();
  preview.start(pathOf);
})();
