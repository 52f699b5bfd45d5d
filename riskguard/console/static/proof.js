// Check an audit entry's inclusion proof in the browser, with WebCrypto only:
//  1. the leaf hash is SHA-256(0x00 || the entry's canonical bytes);
//  2. the RFC 9162 (2.1.3.2) inclusion path leads from that leaf to a root;
//  3. that root is the one in the latest checkpoint, whose Ed25519 signed-note signature verifies
//     against the log's public key.
// The page also shows the server's own verdict; this script is the independent second opinion.
"use strict";

(function () {
  const dataEl = document.getElementById("proof-data");
  const button = document.getElementById("verify-proof");
  const out = document.getElementById("proof-result");
  if (!dataEl || !button || !out) return;
  const text = JSON.parse(document.getElementById("proof-text").textContent);

  const b64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
  const hex = (u8) => Array.from(u8, (b) => b.toString(16).padStart(2, "0")).join("");
  const concat = (...parts) => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) { out.set(p, at); at += p.length; }
    return out;
  };
  const sha256 = async (bytes) => new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const equal = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

  async function rootFromPath(leaf, index, size, path) {
    let fn = index, sn = size - 1, r = leaf;
    for (const p of path) {
      if (sn === 0) return null;
      if ((fn & 1) === 1 || fn === sn) {
        r = await sha256(concat(Uint8Array.of(1), p, r));
        if ((fn & 1) === 0) { while ((fn & 1) === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); } }
      } else {
        r = await sha256(concat(Uint8Array.of(1), r, p));
      }
      fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
    }
    return sn === 0 ? r : null;
  }

  // A C2SP signed note: body lines, a blank line, then "— <name> base64(keyhash[4] || sig[64])".
  async function checkNote(note, publicKey) {
    const cut = note.indexOf("\n\n");
    if (cut < 0) return { ok: false };
    const body = note.slice(0, cut + 1);
    const lines = body.slice(0, -1).split("\n");
    const origin = lines[0], size = Number(lines[1]), root = b64(lines[2]);
    const want = (await sha256(concat(new TextEncoder().encode(origin + "\n"), Uint8Array.of(1), publicKey))).slice(0, 4);
    let signed = null;
    for (const line of note.slice(cut + 2).split("\n")) {
      const parts = line.split(" ");
      if (parts.length !== 3 || parts[0] !== "\u2014" || parts[1] !== origin) continue;
      const blob = b64(parts[2]);
      if (blob.length === 68 && equal(blob.slice(0, 4), want)) { signed = blob.slice(4); break; }
    }
    if (!signed) return { ok: false, size, root };
    try {
      const key = await crypto.subtle.importKey("raw", publicKey, { name: "Ed25519" }, false, ["verify"]);
      const ok = await crypto.subtle.verify({ name: "Ed25519" }, key, signed, new TextEncoder().encode(body));
      return { ok, size, root, supported: true };
    } catch (e) {
      return { ok: false, size, root, supported: false };
    }
  }

  function show(state, lines) {
    out.className = { "true": "ok", partial: "flash", "false": "error" }[state];
    out.dataset.verified = state;
    out.replaceChildren(...lines.map((l) => { const p = document.createElement("div"); p.textContent = l; return p; }));
  }

  button.addEventListener("click", async () => {
    if (!window.crypto || !crypto.subtle) {
      show("false", [text.insecure]);
      return;
    }
    const data = JSON.parse(dataEl.textContent);  // read at click time: what the page shows now
    const entry = b64(data.entry);
    const leaf = await sha256(concat(Uint8Array.of(0), entry));
    const root = await rootFromPath(leaf, data.index, data.tree_size, data.proof.map(b64));
    const note = await checkNote(data.checkpoint, b64(data.public_key));
    const lines = [];
    const leafOk = equal(leaf, b64(data.leaf_hash));
    lines.push(`${leafOk ? "✓" : "✗"} ${text.leaf} ${hex(leaf).slice(0, 16)}…`);
    const rootOk = root !== null && note.root !== undefined && equal(root, note.root) && note.size === data.tree_size;
    lines.push(`${rootOk ? "✓" : "✗"} ${text.root} ${root ? hex(root).slice(0, 16) + "…" : "—"} (${text.size} ${data.tree_size})`);
    if (note.supported === false) lines.push(`? ${text.no_ed25519}`);
    else lines.push(`${note.ok ? "✓" : "✗"} ${text.signature}`);
    const ok = leafOk && rootOk && note.ok;
    const partial = !ok && leafOk && rootOk && note.supported === false;
    lines.unshift(ok ? text.verified : partial ? text.no_ed25519 : text.failed);
    show(ok ? "true" : partial ? "partial" : "false", lines);
  });
})();
