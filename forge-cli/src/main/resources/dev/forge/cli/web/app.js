// forge web: the little the pages need from script. Served from the jar; no inline script anywhere.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // Slider and onion skin: the range input below each comparison moves the top picture.
  for (const input of document.querySelectorAll("input.control")) {
    const box = input.previousElementSibling;
    if (!box || !box.classList.contains("compare")) continue;
    const top = box.querySelector(".top");
    const under = box.querySelector("img.under");
    const over = box.querySelector("img.over");
    const apply = () => {
      const v = Number(input.value) / 100;
      if (input.dataset.for === "slider") {
        top.style.width = (v * 100) + "%";
        if (under && over) over.style.width = under.clientWidth + "px";
      } else {
        top.style.opacity = String(v);
      }
    };
    input.addEventListener("input", apply);
    window.addEventListener("resize", apply);
    if (under) under.addEventListener("load", apply);
    apply();
  }
  // Changed ranges: each mark spans [data-start, data-end) of its bar, as fractions.
  for (const m of document.querySelectorAll(".timeline .mark")) {
    const s = Number(m.dataset.start), e = Number(m.dataset.end);
    if (!(s >= 0 && e >= s)) continue;
    m.style.left = (s * 100) + "%";
    m.style.width = Math.max(0, (e - s) * 100) + "%";
  }
});
