// The index page's chapter list shows, for each notebook with exercises,
// how many pass: "2/5 exercises", and for each milestone whether the
// student has reproduced it. The counts come from the records the
// notebook pages save (wasm/page/persist.go and progress.go: "exercises",
// by id, each with "passed"); the total from the build (data-exercises);
// the milestone's mark from the record's "milestone" (wasm/page/milestone.go).
import { storage } from "./storage.js";

// showMilestone shows whether the milestone of a list item is reproduced.
function showMilestone(li, record) {
  const label = li.querySelector(".milestone-progress");
  if (!label) return;
  const done = record?.milestone?.reproduced === true;
  label.textContent = done ? "✓ reproduced" : "not yet reproduced";
  label.classList.toggle("reproduced", done);
  li.toggleAttribute("data-reproduced", done);
}

async function showProgress() {
  for (const li of document.querySelectorAll("ol.chapters li[data-exercises]")) {
    const total = Number(li.dataset.exercises);
    const label = li.querySelector(".exercise-progress");
    let record;
    try {
      record = await storage.load("notebook:" + li.dataset.notebook);
    } catch {
      record = undefined; // no storage (private mode): the total stays
    }
    showMilestone(li, record);
    if (!total || !label) continue;
    const items = record && typeof record.exercises === "object" ? Object.values(record.exercises) : [];
    const passed = Math.min(total, items.filter((p) => p && p.passed === true).length);
    const noun = total === 1 ? "exercise" : "exercises";
    label.textContent = `${passed}/${total} ${noun}`;
    label.setAttribute("aria-label", `${passed} of ${total} ${noun} passed`);
    label.classList.toggle("all-passed", passed === total);
  }
  document.documentElement.setAttribute("data-progress", "shown");
}

showProgress();
