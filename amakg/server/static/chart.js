// amakg: a small bar chart in inline SVG, drawn from SPARQL JSON results where one helps.
//  - a numeric column other than "year" (e.g. ?nominations, ?wins): one bar per row, labelled
//    by ?year or the first text column;
//  - else a ?year column: the number of rows per year (e.g. an artist's wins per year).
"use strict";

window.amakgChart = (function () {
  const SVG = "http://www.w3.org/2000/svg";
  const NUMERIC = /#(integer|decimal|double|float|int|long|short|nonNegativeInteger|positiveInteger)$/;

  function isNumeric(cell) {
    return cell && cell.type === "literal" && NUMERIC.test(cell.datatype || "");
  }

  const MAX_BARS = 40;

  function pick(vars, rows) {
    if (!rows.length) return null;
    const numeric = vars.filter((v) => rows.every((r) => isNumeric(r[v])));
    const valueVar = numeric.find((v) => v !== "year");
    if (valueVar) {
      const labelVar = vars.includes("year") ? "year" : vars.find((v) => !numeric.includes(v));
      if (!labelVar) return null;
      const shown = rows.slice(0, MAX_BARS);
      const more = rows.length > MAX_BARS ? ` (first ${MAX_BARS} of ${rows.length} rows)` : "";
      return {
        title: valueVar + (labelVar === "year" ? " per year" : " by " + labelVar) + more,
        vertical: labelVar === "year",
        bars: shown.map((r) => ({ label: r[labelVar] ? r[labelVar].value : "", value: Number(r[valueVar].value) })),
      };
    }
    if (vars.includes("year") && rows.every((r) => isNumeric(r.year))) {
      const counts = new Map();
      rows.forEach((r) => counts.set(r.year.value, (counts.get(r.year.value) || 0) + 1));
      const years = [...counts.keys()].map(Number).sort((a, b) => a - b);
      return {
        title: "rows per year",
        vertical: true,
        bars: years.map((y) => ({ label: String(y), value: counts.get(String(y)) })),
      };
    }
    return null;
  }

  function el(name, attrs, text) {
    const node = document.createElementNS(SVG, name);
    Object.entries(attrs).forEach(([k, v]) => node.setAttribute(k, v));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function vertical(spec) {
    const w = 640, h = 200, left = 36, bottom = 28, top = 16;
    const max = Math.max(...spec.bars.map((b) => b.value), 1);
    const step = (w - left - 8) / spec.bars.length;
    const svg = el("svg", { viewBox: `0 0 ${w} ${h}`, role: "img", "aria-label": spec.title });
    svg.appendChild(el("line", { class: "axis", x1: left, y1: h - bottom, x2: w - 4, y2: h - bottom }));
    svg.appendChild(el("text", { x: left - 6, y: top + 4, "text-anchor": "end" }, String(max)));
    svg.appendChild(el("text", { x: left - 6, y: h - bottom, "text-anchor": "end" }, "0"));
    spec.bars.forEach((b, i) => {
      const bh = ((h - bottom - top) * b.value) / max;
      const x = left + i * step + step * 0.15;
      const bar = el("rect", { class: "bar", x, y: h - bottom - bh, width: step * 0.7, height: bh });
      bar.appendChild(el("title", {}, `${b.label}: ${b.value}`));
      svg.appendChild(bar);
      svg.appendChild(el("text", { class: "value", x: x + step * 0.35, y: h - bottom - bh - 4, "text-anchor": "middle" }, String(b.value)));
      svg.appendChild(el("text", { x: x + step * 0.35, y: h - bottom + 16, "text-anchor": "middle" }, b.label));
    });
    return svg;
  }

  function horizontal(spec) {
    const w = 640, row = 22, left = 260, top = 6;
    const h = top * 2 + row * spec.bars.length;
    const max = Math.max(...spec.bars.map((b) => b.value), 1);
    const svg = el("svg", { viewBox: `0 0 ${w} ${h}`, role: "img", "aria-label": spec.title });
    svg.appendChild(el("line", { class: "axis", x1: left, y1: top, x2: left, y2: h - top }));
    spec.bars.forEach((b, i) => {
      const y = top + i * row;
      const bw = ((w - left - 40) * b.value) / max;
      const label = b.label.length > 40 ? b.label.slice(0, 39) + "…" : b.label;
      svg.appendChild(el("text", { x: left - 6, y: y + row * 0.65, "text-anchor": "end" }, label));
      const bar = el("rect", { class: "bar", x: left, y: y + 3, width: Math.max(bw, 1), height: row - 6 });
      bar.appendChild(el("title", {}, `${b.label}: ${b.value}`));
      svg.appendChild(bar);
      svg.appendChild(el("text", { class: "value", x: left + bw + 4, y: y + row * 0.65 }, String(b.value)));
    });
    return svg;
  }

  // Draw into a <figure>; hide it when no chart helps. Returns true when one was drawn.
  function draw(figure, vars, rows, name) {
    figure.replaceChildren();
    const spec = pick(vars, rows);
    figure.hidden = !spec;
    if (!spec) return false;
    const title = name === "wins" && spec.title === "rows per year" ? "wins per year" : spec.title;
    const caption = document.createElement("figcaption");
    caption.textContent = title;
    figure.appendChild(caption);
    figure.appendChild(spec.vertical ? vertical(spec) : horizontal(spec));
    return true;
  }

  return { draw, pick };
})();
