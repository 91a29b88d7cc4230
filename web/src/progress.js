// The index page's chapter list shows, for each notebook with exercises,
// how many pass: "2/5 exercises". The counts come from the records the
// notebook pages save (wasm/page/persist.go and progress.go: "exercises",
// by id, each with "passed"); the total from the build (data-exercises).
import { storage } from "./storage.js";

async function showProgress() {
  for (const li of document.querySelectorAll("ol.chapters li[data-exercises]")) {
    const total = Number(li.dataset.exercises);
    const label = li.querySelector(".exercise-progress");
    if (!total || !label) continue;
    let record;
    try {
      record = await storage.load("notebook:" + li.dataset.notebook);
    } catch {
      record = undefined; // no storage (private mode): the total stays
    }
    const items = record && typeof record.exercises === "object" ? Object.values(record.exercises) : [];
    const passed = Math.min(total, items.filter((p) => p && p.passed === true).length);
    label.textContent = `${passed}/${total} exercises`;
    label.setAttribute("aria-label", `${passed} of ${total} exercises passed`);
    label.classList.toggle("all-passed", passed === total);
  }
  document.documentElement.setAttribute("data-progress", "shown");
}

showProgress();
