// The "Review import" page: a reviewed DOCX read by the server (the command's own reading and
// checks), its changes accepted or rejected one by one, the accepted ones written at once.
// The page keeps the DOCX and sends it again to write; text is only ever set as textContent.
"use strict";
(() => {
  const page = document.body.dataset;
  if (page.page !== "review") return;
  const api = `/api/review/${encodeURIComponent(page.note)}/${page.lang}`;
  const $ = (id) => document.getElementById(id);
  const element = conceptnotes.element;
  let sent = null;  // the DOCX as sent: {name, docx (base64)}
  let base = null;  // the digest of the review shown: the write is refused if it reads otherwise now

  const status = (text) => { $("r-status").textContent = text; };
  const problems = (list) => { $("r-problems").replaceChildren(...list.map((text) => element("li", text))); };

  function base64(file) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result).split(",", 2)[1] || "");
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(file);
    });
  }

  function diff(pieces) {
    return pieces.map(([kind, text]) => element(kind === "-" ? "del" : kind === "+" ? "ins" : "span", text));
  }

  function change(item) {
    const row = $("change-template").content.firstElementChild.cloneNode(true);
    row.dataset.id = item.id;
    row.querySelector(".where").textContent = item.where + (item.why ? `: ${item.why}` : "");
    row.querySelector(".source").textContent = item.source;
    row.querySelector(".diff").replaceChildren(...diff(item.diff));
    row.querySelector(".tracked").replaceChildren(...item.tracked.map((text) => element("li", text)));
    return row;
  }

  function show(plan) {
    base = plan.base;
    $("r-plan").hidden = false;
    $("r-summary").textContent = `The note “${plan.note}” in “${plan.lang}”: ${plan.changes.length} change(s),` +
      ` ${plan.comments.length} comment(s), ${plan.conflicts.length} conflict(s), ${plan.listed.length} not applied.`;
    $("r-changes").replaceChildren(...plan.changes.map(change));
    const conflicts = plan.conflicts.map(change);
    for (const row of conflicts) row.querySelector(".meta label").remove();
    $("r-conflicts").replaceChildren(...conflicts);
    $("r-comments").replaceChildren(...plan.comments.map((comment) => element("li",
      `${comment.author || "?"} at ${comment.where || "outside the note text"} on “${comment.anchored}”: ${comment.text}`)));
    $("r-listed").replaceChildren(...plan.listed.map((item) => element("li", item.text)));
    $("r-write").disabled = plan.changes.length === 0;
  }

  async function choose(file) {
    if (!file) return;
    status("");
    problems([]);
    $("r-plan").hidden = true;
    conceptnotes.activity(`reading ${file.name}…`);
    sent = {name: file.name, docx: await base64(file)};
    const {status: code, data} = await conceptnotes.post(api, sent);
    conceptnotes.activity("");
    if (code === 200) show(data);
    else problems(data.problems || [`the server answered ${code}`]);
  }

  async function write() {
    const accept = [...$("r-changes").querySelectorAll(".review-change")]
      .filter((row) => row.querySelector(".accept").checked).map((row) => row.dataset.id);
    status("writing…");
    const {status: code, data} = await conceptnotes.post(`${api}/write`, {...sent, accept, base});
    if (code === 200) {
      status(data.written ? `Written: ${data.accepted} change(s) into ${data.written}.` : "Nothing written: no change accepted.");
      $("r-write").disabled = true;
      for (const box of $("r-changes").querySelectorAll(".accept")) box.disabled = true;
    } else if (code === 409) {
      show(data.plan);
      status("Not written: the note or its catalog changed since this review was shown. Look at the changes" +
        " again (they are read anew), then write.");
    } else {
      status("Not written.");
      problems(data.problems || [`the server answered ${code}`]);
    }
  }

  $("r-file").addEventListener("change", () => choose($("r-file").files[0]));
  const drop = $("r-drop");
  drop.addEventListener("dragover", (event) => { event.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    drop.classList.remove("over");
    choose(event.dataTransfer.files[0]);
  });
  $("r-write").addEventListener("click", write);
})();
