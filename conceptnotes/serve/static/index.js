// The index counts again when a catalog or note changes.
"use strict";
conceptnotes.on((event) => {
  if (event.type === "files") window.setTimeout(() => window.location.reload(), 200);
});
