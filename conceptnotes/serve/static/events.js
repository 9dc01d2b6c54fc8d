// Shared by every page: the session token, the event stream, the problems overlay.
// User text is only ever set as textContent, never as HTML.
"use strict";
const conceptnotes = (() => {
  const token = document.querySelector('meta[name="conceptnotes-token"]').content;
  const NO_ANSWER = "The preview server does not answer: is 'build.py serve' still running?";
  const listeners = [];
  let source = null;

  function connect() {
    source = new EventSource("/events");
    source.onmessage = (message) => {
      const event = JSON.parse(message.data);
      for (const listener of listeners) listener(event);
    };
  }

  function on(listener) {
    listeners.push(listener);
    if (source === null) connect();
  }

  function activity(text) {
    document.getElementById("activity").textContent = text;
  }

  function showProblems(problems) {
    const overlay = document.getElementById("problems");
    const list = document.getElementById("problem-list");
    list.replaceChildren(...problems.map((text) => {
      const item = document.createElement("li");
      item.textContent = text;
      const place = /^(.+?):(\d+):/.exec(text);  // path:line: message
      if (place) { item.dataset.path = place[1]; item.dataset.line = place[2]; }
      return item;
    }));
    overlay.hidden = problems.length === 0;
  }

  // status 0 when the server does not answer (stopped, or the network down): said, never thrown
  async function post(url, body) {
    let response;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: {"Content-Type": "application/json", "X-Conceptnotes-Token": token},
        body: JSON.stringify(body),
      });
    } catch (error) {
      return {status: 0, data: {problems: [NO_ANSWER]}};
    }
    let data = {};
    try { data = await response.json(); } catch (error) { data = {problems: [response.statusText]}; }
    return {status: response.status, data};
  }

  function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  return {token, on, activity, showProblems, post, element};
})();
