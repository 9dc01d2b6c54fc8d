// The pages of a preview: the PDF's page images, each block a link to the line it comes from.
"use strict";
const preview = (() => {
  const body = document.body.dataset;
  let shown = 0;  // the version on screen

  function blockLink(block, state, pathOf) {
    const link = document.createElement("a");
    link.className = "block";
    link.style.left = `${block.x * 100}%`;
    link.style.top = `${block.y * 100}%`;
    link.style.width = `${block.width * 100}%`;
    link.style.height = `${block.height * 100}%`;
    const line = block.po_line || block.line;
    link.href = `#L${line}`;
    link.dataset.line = String(block.line);
    if (block.po_line) link.dataset.poLine = String(block.po_line);
    const where = `${pathOf(block)}:${line}`;
    link.title = where;
    link.setAttribute("aria-label", where);
    link.addEventListener("click", () => highlight(line));
    return link;
  }

  function highlight(line) {
    for (const old of document.querySelectorAll(".source li.current")) old.classList.remove("current");
    const target = document.getElementById(`L${line}`);
    if (target) {
      target.classList.add("current");
      target.scrollIntoView({block: "center"});
    }
  }

  async function draw(state, pathOf) {
    conceptnotes.showProblems(state.problems || []);
    conceptnotes.activity(state.problems && state.problems.length ? "" : `updated in ${state.seconds} s`);
    if (!state.pages || state.pages.length === 0 || state.version <= shown) return;
    const base = `/preview/${encodeURIComponent(body.note)}/${body.lang}/${state.version}/`;
    const pages = state.pages.map((name, index) => {
      const page = conceptnotes.element("div", undefined, "page");
      const image = document.createElement("img");
      image.src = base + name;
      image.alt = `Page ${index + 1}`;
      page.append(image);
      for (const block of state.blocks.filter((b) => b.page === index)) page.append(blockLink(block, state, pathOf));
      return page;
    });
    // the new pages replace the old ones once loaded: no blank flash while typing
    await Promise.all(pages.map((page) => page.querySelector("img").decode().catch(() => null)));
    if (state.version <= shown) return;
    shown = state.version;
    const container = document.getElementById("pages");
    container.replaceChildren(...pages);
    container.dataset.version = String(state.version);
    const pdf = document.getElementById("pdf-link");
    if (pdf) { pdf.href = base + state.pdf; pdf.hidden = false; }
  }

  async function start(pathOf) {
    conceptnotes.on((event) => {
      if (event.note !== body.note || event.lang !== body.lang) return;
      if (event.type === "rendering") conceptnotes.activity("updating…");
      if (event.type === "preview") draw(event, pathOf);
    });
    conceptnotes.activity("laying out the pages…");
    const response = await fetch(`/api/preview/${encodeURIComponent(body.note)}/${body.lang}`);
    if (response.ok) draw(await response.json(), pathOf);
  }

  return {start, highlight};
})();
