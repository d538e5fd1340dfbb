// amakg query page: load an example or a canned query, run it, show a table and a chart.
// Ad-hoc SPARQL goes to /sparql; an unedited canned query runs at /queries/NAME with its
// parameters bound by the server. Everything is fetched from this server only.
"use strict";

(function () {
  const app = document.getElementById("app");
  if (!app) return;
  const prefixes = Object.entries(JSON.parse(app.dataset.prefixes || "{}"))
    .sort((a, b) => b[1].length - a[1].length);
  const editor = document.getElementById("query");
  const form = document.getElementById("query-form");
  const paramsBox = document.getElementById("params");
  const status = document.getElementById("status");
  const errorBox = document.getElementById("error");
  const results = document.getElementById("results");
  const chart = document.getElementById("chart");
  const mode = document.getElementById("mode");
  const ENTITY_BASE = "https://w3id.org/amakg/id/";
  let catalogue = { canned: {}, example: {} };
  let current = null; // { kind, query } of the loaded example, while its text is unedited

  function shortIri(iri) {
    for (const [prefix, ns] of prefixes) {
      if (iri.startsWith(ns) && iri.length > ns.length) return prefix + ":" + iri.slice(ns.length);
    }
    return iri;
  }

  function cell(term) {
    const td = document.createElement("td");
    if (!term) return td;
    if (term.type === "uri") {
      const a = document.createElement("a");
      a.textContent = shortIri(term.value);
      a.title = term.value;
      if (term.value.startsWith(ENTITY_BASE)) {
        a.href = "/id/" + term.value.slice(ENTITY_BASE.length);
      } else {
        a.href = term.value;
        a.className = "external";
        a.rel = "nofollow noopener noreferrer";
      }
      td.appendChild(a);
    } else if (term.type === "bnode") {
      td.textContent = "_:" + term.value;
    } else {
      td.textContent = term.value;
      if (term["xml:lang"]) {
        const lang = document.createElement("span");
        lang.className = "lang";
        lang.textContent = "@" + term["xml:lang"];
        td.appendChild(lang);
      }
    }
    return td;
  }

  function table(vars, rows) {
    const t = document.createElement("table");
    t.className = "results";
    const head = t.createTHead().insertRow();
    vars.forEach((v) => {
      const th = document.createElement("th");
      th.textContent = v;
      head.appendChild(th);
    });
    const body = t.createTBody();
    rows.forEach((r) => {
      const tr = body.insertRow();
      vars.forEach((v) => tr.appendChild(cell(r[v])));
    });
    return t;
  }

  function showParams(query) {
    paramsBox.replaceChildren();
    const legend = document.createElement("legend");
    legend.textContent = "Parameters";
    paramsBox.appendChild(legend);
    const given = new URLSearchParams(window.location.search);
    query.parameters.forEach((p) => {
      const label = document.createElement("label");
      label.textContent = p.name + " ";
      const input = document.createElement("input");
      input.name = p.name;
      input.value = given.get(p.name) ?? p.default ?? "";
      input.title = p.help;
      input.dataset.param = p.name;
      label.appendChild(input);
      paramsBox.appendChild(label);
    });
    paramsBox.hidden = query.parameters.length === 0;
  }

  function load(kind, name) {
    const query = catalogue[kind][name];
    if (!query) return false;
    editor.value = query.sparql;
    current = { kind, query };
    document.querySelectorAll("button.example").forEach((b) =>
      b.classList.toggle("active", b.dataset.kind === kind && b.dataset.name === name));
    if (kind === "canned") {
      showParams(query);
      mode.textContent = `canned query “${name}”: parameters bound by the server`;
    } else {
      paramsBox.hidden = true;
      mode.textContent = `example “${query.title}”`;
    }
    return true;
  }

  function request() {
    if (current && current.kind === "canned" && editor.value === current.query.sparql) {
      const params = new URLSearchParams();
      paramsBox.querySelectorAll("input[data-param]").forEach((i) => params.set(i.dataset.param, i.value));
      params.set("format", "json");
      return { url: current.query.url + "?" + params.toString(), init: { headers: { Accept: "application/sparql-results+json" } }, name: current.query.name };
    }
    return {
      url: app.dataset.sparqlUrl,
      init: {
        method: "POST",
        headers: { "Content-Type": "application/sparql-query", Accept: "application/sparql-results+json, text/turtle;q=0.9" },
        body: editor.value,
      },
      name: null,
    };
  }

  async function run(event) {
    if (event) event.preventDefault();
    const req = request();
    errorBox.hidden = true;
    status.textContent = "running…";
    const started = performance.now();
    let response;
    try {
      response = await fetch(req.url, req.init);
    } catch (err) {
      status.textContent = "";
      errorBox.textContent = "The server did not answer: " + err;
      errorBox.hidden = false;
      return;
    }
    const ms = Math.round(performance.now() - started);
    const type = response.headers.get("Content-Type") || "";
    if (!response.ok) {
      status.textContent = `HTTP ${response.status} after ${ms} ms`;
      errorBox.textContent = await response.text();
      errorBox.hidden = false;
      results.replaceChildren();
      chart.hidden = true;
      return;
    }
    const note = response.headers.get("Amakg-Truncated") ? " — " + response.headers.get("Amakg-Note") : "";
    if (type.includes("json")) {
      const data = await response.json();
      if ("boolean" in data) {
        results.replaceChildren(Object.assign(document.createElement("p"), { className: "boolean", textContent: String(data.boolean) }));
        chart.hidden = true;
        status.textContent = `answer in ${ms} ms`;
        return;
      }
      const vars = data.head.vars;
      const rows = data.results.bindings;
      status.textContent = `${rows.length} row${rows.length === 1 ? "" : "s"} in ${ms} ms${note}`;
      window.amakgChart.draw(chart, vars, rows, req.name);
      results.replaceChildren(table(vars, rows));
    } else {
      const pre = Object.assign(document.createElement("pre"), { className: "graph", textContent: await response.text() });
      status.textContent = `graph in ${ms} ms${note}`;
      chart.hidden = true;
      results.replaceChildren(pre);
    }
  }

  editor.addEventListener("input", () => {
    if (current && editor.value !== current.query.sparql) {
      if (current.kind === "canned") {
        mode.textContent = "edited: runs as ad-hoc SPARQL (canned parameters no longer apply)";
        paramsBox.hidden = true;
      } else {
        mode.textContent = "edited example";
      }
    }
  });
  form.addEventListener("submit", run);
  document.querySelectorAll("button.example").forEach((b) =>
    b.addEventListener("click", () => {
      if (load(b.dataset.kind, b.dataset.name)) run();
    }));

  fetch(app.dataset.queriesUrl, { headers: { Accept: "application/json" } })
    .then((r) => r.json())
    .then((data) => {
      data.queries.forEach((q) => (catalogue.canned[q.name] = q));
      data.examples.forEach((q) => (catalogue.example[q.name] = q));
      const given = new URLSearchParams(window.location.search);
      const wanted = given.get("canned") ? ["canned", given.get("canned")] : given.get("example") ? ["example", given.get("example")] : null;
      if (wanted && load(wanted[0], wanted[1]) && given.get("run")) run();
      app.dataset.ready = "true";
    })
    .catch((err) => {
      errorBox.textContent = "Could not load the canned queries: " + err;
      errorBox.hidden = false;
    });
})();
