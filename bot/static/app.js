// Trợ lý CCHC web chat: plain JS, no build step. Talks to /v1/* (see /docs).
"use strict";

const $ = (sel) => document.querySelector(sel);
const OCR_NOTE = "bản quét, có thể sai dấu";

function sessionId() {
  let id = localStorage.getItem("cchc_session");
  if (!id) {
    id = "w" + Math.random().toString(36).slice(2) + Date.now().toString(36);
    localStorage.setItem("cchc_session", id);
  }
  return id;
}

function headers(extra) {
  const h = Object.assign({}, extra || {});
  const key = localStorage.getItem("cchc_api_key");
  if (key) h["Authorization"] = "Bearer " + key;
  return h;
}

async function errorText(resp) {
  try {
    const body = await resp.json();
    if (typeof body.detail === "string") return body.detail;
    if (Array.isArray(body.detail)) return body.detail.map((d) => d.msg).join("; ");
  } catch (e) { /* not JSON */ }
  return "Lỗi máy chủ (HTTP " + resp.status + ")";
}

async function handleAuth(resp) {
  if (resp.status === 401) {
    $("#key-panel").open = true;
    $("#api-key").focus();
  }
}

function el(tag, attrs, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

// Answer text with [n] markers turned into buttons that expand the cited passage.
function renderAnswerText(container, text, citeIds) {
  const re = /\[(\d+)\]/g;
  let last = 0, m;
  while ((m = re.exec(text)) !== null) {
    container.appendChild(document.createTextNode(text.slice(last, m.index)));
    const n = m[1];
    if (citeIds[n]) {
      const b = el("button", { type: "button", class: "cite", "data-n": n, "aria-expanded": "false",
        "aria-controls": citeIds[n], title: "Xem đoạn trích nguồn [" + n + "]" }, "[" + n + "]");
      b.addEventListener("click", () => toggleSource(citeIds[n], container.closest(".msg")));
      container.appendChild(b);
    } else {
      container.appendChild(document.createTextNode(m[0]));
    }
    last = re.lastIndex;
  }
  container.appendChild(document.createTextNode(text.slice(last)));
}

function toggleSource(id, msg) {
  const li = document.getElementById(id);
  if (!li) return;
  li.hidden = !li.hidden;
  msg.querySelectorAll('button.cite[aria-controls="' + id + '"]').forEach((b) =>
    b.setAttribute("aria-expanded", String(!li.hidden)));
  if (!li.hidden) li.scrollIntoView({ block: "nearest" });
}

function renderSource(c, id) {
  const li = el("li", { class: "source", id: id, hidden: "" });
  const doc = [c.number, c.title].filter(Boolean).join(" — ") || c.doc_id;
  li.appendChild(el("div", { class: "meta" }, "[" + c.n + "] " + doc));
  const parts = [];
  if (c.issuer) parts.push(c.issuer);
  if (c.section) parts.push("Mục: " + c.section);
  if (c.date) parts.push("Ngày: " + c.date);
  if (parts.length) li.appendChild(el("div", { class: "where" }, parts.join(" · ")));
  if (c.ocr_damaged) li.appendChild(el("div", { class: "ocr" }, "⚠ " + OCR_NOTE));
  if (c.validity_note) li.appendChild(el("div", { class: "validity" }, "Hiệu lực: " + c.validity_note));
  li.appendChild(el("blockquote", {}, c.text));
  return li;
}

let answerCount = 0;
function renderAnswer(a) {
  answerCount += 1;
  const msg = el("div", { class: "msg bot" + (a.abstained ? " abstained" : "") });
  const citeIds = {};
  (a.citations || []).forEach((c) => { citeIds[c.n] = "a" + answerCount + "-src-" + c.n; });
  const p = el("div", { class: "answer" });
  renderAnswerText(p, a.answer, citeIds);
  msg.appendChild(p);
  if (a.notes && a.notes.length) msg.appendChild(el("div", { class: "notes" }, a.notes.join(" · ")));
  if (a.citations && a.citations.length) {
    const ul = el("ul", { class: "sources" });
    a.citations.forEach((c) => ul.appendChild(renderSource(c, citeIds[c.n])));
    msg.appendChild(ul);
  }
  return msg;
}

async function ask(ev) {
  ev.preventDefault();
  const q = $("#question").value.trim();
  if (!q) return;
  const btn = $("#ask-btn"), status = $("#ask-status");
  $("#messages").appendChild(el("div", { class: "msg user" }, q));
  $("#question").value = "";
  btn.disabled = true; status.className = "status"; status.textContent = "Đang tìm trong văn bản…";
  try {
    const resp = await fetch("/v1/ask", { method: "POST", headers: headers({ "Content-Type": "application/json" }),
      body: JSON.stringify({ question: q, session_id: sessionId() }) });
    if (!resp.ok) { await handleAuth(resp); throw new Error(await errorText(resp)); }
    $("#messages").appendChild(renderAnswer(await resp.json()));
    status.textContent = "";
  } catch (e) {
    status.className = "status error"; status.textContent = e.message;
  } finally {
    btn.disabled = false;
  }
}

async function draft(ev) {
  ev.preventDefault();
  const status = $("#draft-status");
  const fmt = $("#draft-format").value;
  const body = { unit: $("#draft-unit").value.trim(), year: parseInt($("#draft-year").value, 10),
    kind: $("#draft-kind").value, format: fmt };
  status.className = "status"; status.textContent = "Đang soạn…";
  try {
    const resp = await fetch("/v1/draft", { method: "POST", headers: headers({ "Content-Type": "application/json" }), body: JSON.stringify(body) });
    if (!resp.ok) { await handleAuth(resp); throw new Error(await errorText(resp)); }
    const blob = await resp.blob();
    const cd = resp.headers.get("Content-Disposition") || "";
    const m = /filename="([^"]+)"/.exec(cd);
    const a = el("a", { href: URL.createObjectURL(blob), download: m ? m[1] : "ke-hoach-" + body.year + (fmt === "docx" ? ".docx" : ".md") });
    document.body.appendChild(a); a.click(); a.remove();
    status.textContent = "Đã tải dự thảo về máy. Vui lòng rà soát trước khi dùng.";
  } catch (e) {
    status.className = "status error"; status.textContent = e.message;
  }
}

async function loadDocuments() {
  const list = $("#doc-list");
  try {
    const resp = await fetch("/v1/documents", { headers: headers() });
    if (!resp.ok) { await handleAuth(resp); return; }
    const docs = await resp.json();
    list.textContent = "";
    docs.forEach((d) => list.appendChild(el("li", {}, (d.number ? d.number + " — " : "") + (d.title || d.doc_id))));
  } catch (e) { /* offline */ }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Upload = a background ingest job: POST /v1/documents answers 202 with the job,
// then GET /v1/jobs/{id} is polled until it is done or failed; the bar shows its progress.
async function upload(ev) {
  ev.preventDefault();
  const status = $("#upload-status"), input = $("#upload-file"), bar = $("#upload-progress");
  if (!input.files.length) return;
  const fd = new FormData();
  fd.append("file", input.files[0]);
  status.className = "status"; status.textContent = "Đang gửi tệp…";
  bar.hidden = false; bar.removeAttribute("value");
  const btn = $("#upload-btn"); btn.disabled = true;
  try {
    const resp = await fetch("/v1/documents", { method: "POST", headers: headers(), body: fd });
    if (!resp.ok) { await handleAuth(resp); throw new Error(await errorText(resp)); }
    let job = await resp.json();
    const url = resp.headers.get("Location") || ("/v1/jobs/" + job.job_id);
    while (job.status === "queued" || job.status === "running") {
      const pct = Math.round((job.progress || 0) * 100);
      if (job.status === "running" && job.chunks_total) {
        bar.max = 100; bar.value = pct;
        status.textContent = "Đang nạp " + job.filename + "… " + pct + "% (" + job.chunks_done + "/" + job.chunks_total + " đoạn)";
      } else {
        status.textContent = job.status === "queued" ? "Đang chờ nạp…" : "Đang đọc và phân đoạn " + job.filename + "…";
      }
      await sleep(500);
      const r = await fetch(url, { headers: headers() });
      if (!r.ok) { await handleAuth(r); throw new Error(await errorText(r)); }
      job = await r.json();
    }
    if (job.status === "failed") throw new Error(job.error || "Không nạp được tệp");
    bar.max = 100; bar.value = 100;
    const res = job.result;
    status.textContent = "Đã nạp " + res.filename + " (" + res.chunks_added + " đoạn"
      + (res.skipped.length ? ", không đổi so với bản đã nạp" : "") + "). Kho có " + res.documents + " văn bản.";
    input.value = "";
    loadDocuments();
  } catch (e) {
    status.className = "status error"; status.textContent = e.message; bar.hidden = true;
  } finally {
    btn.disabled = false;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("#ask-form").addEventListener("submit", ask);
  $("#question").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); $("#ask-form").requestSubmit(); }
  });
  $("#new-chat").addEventListener("click", () => {
    localStorage.removeItem("cchc_session"); $("#messages").textContent = ""; $("#question").focus();
  });
  $("#draft-year").value = new Date().getFullYear() + 1;
  $("#draft-form").addEventListener("submit", draft);
  $("#upload-form").addEventListener("submit", upload);
  $("#doc-list-panel").addEventListener("toggle", (e) => { if (e.target.open) loadDocuments(); });
  $("#api-key").value = localStorage.getItem("cchc_api_key") || "";
  $("#key-form").addEventListener("submit", (e) => {
    e.preventDefault(); localStorage.setItem("cchc_api_key", $("#api-key").value.trim()); $("#key-panel").open = false;
  });
});
