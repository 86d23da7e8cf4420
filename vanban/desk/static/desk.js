// The desk's only script: uploads, actions and the live progress of a run. Every request that
// changes something carries the token the page was given; every text shown goes in as text.
"use strict";

const token = document.querySelector('meta[name="vanban-token"]').content;

function say(text, kind) {
  const box = document.getElementById("message");
  box.textContent = text;
  box.className = "message " + (kind || "error");
  box.hidden = !text;
}

async function send(method, url, body, type, name) {
  const headers = { "X-Vanban-Token": token };
  if (type) headers["Content-Type"] = type;
  if (name) headers["X-File-Name"] = encodeURIComponent(name);
  const response = await fetch(url, { method, headers, body, credentials: "same-origin" });
  let answer = null;
  try { answer = await response.json(); } catch (e) { answer = null; }
  if (!response.ok) {
    throw new Error((answer && answer.error) || ("Lỗi " + response.status));
  }
  return answer;
}

async function upload(input) {
  const files = Array.from(input.files);
  let last = null;
  for (const file of files) {
    say("Đang tải lên " + file.name + "…", "info");
    last = await send(input.dataset.method, input.dataset.upload, file,
                      "application/octet-stream", file.name);
  }
  if (last && last.url) window.location.href = last.url;
  else window.location.reload();
}

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (cls) node.className = cls;
  return node;
}

function drawRun(state, box) {
  box.replaceChildren();
  if (!state) return;
  const phase = { preparing: "Đang kiểm tra bảng tính…", running: "Đang phát hành…",
                  done: "Đã xong.", failed: "Chưa xong." }[state.phase];
  box.append(el("h2", phase + " (" + state.seconds + " giây)", "phase-" + state.phase));
  if (state.units.length) box.append(el("p", "Chỉ đơn vị: " + state.units.join(", "), "small"));
  const list = el("ol", undefined, "stages");
  for (const stage of state.stages) {
    const item = el("li", stage.label + ": " + stage.done + "/" + stage.total + " văn bản");
    const bar = el("progress");
    bar.max = Math.max(stage.total, 1);
    bar.value = stage.done;
    item.append(" ", bar);
    list.append(item);
  }
  box.append(list);
  if (state.message) box.append(el("p", state.message, state.phase === "failed" ? "bad" : ""));
  if (state.previews === "making") {
    box.append(el("p", "Đang tạo bản xem trước của các văn bản (ảnh trang đầu, PDF, thể thức)…", "busy"));
  }
  if (state.problems.length) {
    const problems = el("ul", undefined, "problems");
    for (const p of state.problems) problems.append(el("li", p));
    box.append(problems);
  }
  const counts = Object.entries(state.counts);
  if (counts.length) {
    const summary = el("ul", undefined, "summary");
    for (const [label, n] of counts) summary.append(el("li", label + ": " + n));
    box.append(el("h3", "Kết quả"), summary);
  }
  if (state.waiting.length) {
    const waiting = el("ul", undefined, "waiting small");
    for (const w of state.waiting.slice(0, 50)) waiting.append(el("li", w));
    box.append(el("h3", "Chưa phát hành và lý do"), waiting);
  }
  if (state.phase === "done" || state.phase === "failed") {
    const link = el("a", "Xem các văn bản", "button");
    link.href = box.dataset.documents || "documents";
    box.append(link);
  }
}

async function follow(stateUrl, box, onEnd) {
  for (;;) {
    const state = await send("GET", stateUrl);
    if (box) drawRun(state, box);
    const ended = state && (state.phase === "done" || state.phase === "failed");
    if (!state || (ended && state.previews !== "making")) return onEnd && onEnd(state);
    await new Promise((r) => setTimeout(r, 400));
  }
}

async function run(button, extra) {
  const body = Object.assign({}, extra || {});
  if (button.dataset.reissue) body.units = [button.dataset.reissue];
  button.disabled = true;
  const box = document.getElementById("progress");
  try {
    await send("POST", button.dataset.run, JSON.stringify(body), "application/json");
    say("", "info");
    // The issue page shows the run as it goes: from another page, go there at once.
    if (button.dataset.then) {
      window.location.href = button.dataset.then;
      return;
    }
    await follow(button.dataset.state, box, async (state) => {
      if (state && state.edited.length && !body.force) {
        const ok = window.confirm(
          "Các văn bản sau đã bị sửa tay sau khi phát hành:\n" + state.edited.join("\n") +
          "\n\nPhát hành lại sẽ thay chúng; bản đã sửa được cất vào thư mục .history/. Tiếp tục?");
        if (ok) return run(button, Object.assign(body, { force: true }));
      }
      if (box) return;
      // No progress box on this page: a run that did not succeed is said here, not hidden by
      // a reload.
      if (state && state.phase === "failed") {
        say([state.message || "Chưa phát hành xong."].concat(state.problems, state.waiting)
          .filter(Boolean).join("\n"));
        return;
      }
      window.location.reload();
    });
  } catch (error) {
    say(error.message);
  } finally {
    button.disabled = false;
  }
}

async function act(button) {
  if (button.dataset.confirm && !window.confirm(button.dataset.confirm)) return;
  button.disabled = true;
  const label = button.textContent;
  if (button.dataset.busy) button.textContent = button.dataset.busy;
  try {
    await send(button.dataset.method || "POST", button.dataset.action);
    window.location.reload();
  } catch (error) {
    say(error.message);
  } finally {
    button.disabled = false;
    button.textContent = label;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  for (const input of document.querySelectorAll("input[data-upload]")) {
    input.addEventListener("change", () => upload(input).catch((e) => {
      say(e.message);
      input.value = "";
    }));
  }
  for (const button of document.querySelectorAll("[data-run]")) {
    button.addEventListener("click", () => run(button));
  }
  for (const button of document.querySelectorAll("[data-action]")) {
    button.addEventListener("click", () => act(button));
  }
  for (const button of document.querySelectorAll("[data-adopt]")) {
    button.addEventListener("click", () => send("POST", "/api/plans/adopt",
      JSON.stringify({ name: button.dataset.adopt }), "application/json")
      .then((answer) => { window.location.href = answer.url; })
      .catch((e) => say(e.message)));
  }
  for (const input of document.querySelectorAll("input[data-filter]")) {
    // Rows whose text holds what is typed, accents and case aside.
    const fold = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
    const rows = Array.from(document.querySelectorAll(input.dataset.filter));
    input.addEventListener("input", () => {
      const wanted = fold(input.value.trim());
      for (const row of rows) row.hidden = wanted !== "" && !fold(row.textContent).includes(wanted);
    });
  }
  const box = document.getElementById("progress");
  if (box && box.dataset.initial && box.dataset.initial !== "null") {
    const state = JSON.parse(box.dataset.initial);
    drawRun(state, box);
    if (state.phase === "preparing" || state.phase === "running" || state.previews === "making") {
      const issue = document.getElementById("issue");
      follow(issue.dataset.state, box).catch((e) => say(e.message));
    }
  }
});
