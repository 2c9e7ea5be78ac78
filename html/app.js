// Fetches data.json and shows that the page and its script came from the same origin.
"use strict";
(async () => {
  const status = document.getElementById("status");
  try {
    const response = await fetch("/data.json");
    const data = await response.json();
    status.textContent = `${data.server} says: ${data.message}`;
  } catch (err) {
    status.textContent = `Could not load data.json: ${err}`;
  }
})();
