// Ledger proofs checked in the browser: nothing here trusts the server's word.
//
// - RFC 9162 §2.1.3.2 (same as RFC 6962): verify that a leaf is included in a tree of a given
//   size and root. Leaf hash SHA-256(0x00 ‖ leaf), interior SHA-256(0x01 ‖ left ‖ right).
// - C2SP signed-note + tlog-checkpoint: the checkpoint's text is "origin\nsize\nbase64(root)\n"
//   (plus optional extension lines), signed with Ed25519 by the log key. The verifier key string
//   is "<name>+<hex8 key id>+base64(0x01 ‖ 32-byte public key)"; the key id is the first four
//   bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key).
// - The entry's own Ed25519 signature by its author (leaf = signed bytes ‖ 64-byte signature).
//
// SHA-256 and Ed25519 come from WebCrypto. Browsers only offer WebCrypto in a secure context
// (https, or http on localhost), and a center's LAN deployment may well be plain http, so the
// audited @noble packages stand in when crypto.subtle (or its Ed25519) is missing. Every
// verify* function returns nothing or throws a ProofError saying what failed: it fails closed.

import * as ed from "@noble/ed25519";
import { sha256 as nobleSha256, sha512 as nobleSha512 } from "@noble/hashes/sha2.js";

ed.hashes.sha512 = nobleSha512;

export class ProofError extends Error {
  constructor(message) {
    super(message);
    this.name = "ProofError";
  }
}

const subtle = globalThis.crypto && globalThis.crypto.subtle;
const enc = new TextEncoder();

export function b64decode(text) {
  if (typeof text !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4) {
    throw new ProofError(`not base64: ${String(text).slice(0, 40)}`);
  }
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function b64encode(bytes) {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

export function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function equal(a, b) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/** Which implementation the checks below use, shown beside the result. */
export function cryptoProvider() {
  return subtle ? "WebCrypto" : "@noble (no WebCrypto in this context)";
}

export async function sha256(bytes) {
  if (subtle) return new Uint8Array(await subtle.digest("SHA-256", bytes));
  return nobleSha256(bytes);
}

export function leafHash(leaf) {
  return sha256(concat(Uint8Array.of(0), leaf));
}

export function nodeHash(left, right) {
  return sha256(concat(Uint8Array.of(1), left, right));
}

/**
 * RFC 9162 §2.1.3.2: the root computed from `leaf` at `index` with `proof` must equal `root`
 * for a tree of `size` leaves. Sizes are BigInts inside so shifts never wrap at 2^31.
 */
export async function verifyInclusion(leaf, index, size, proof, root) {
  const n = BigInt(size);
  let fn = BigInt(index);
  if (fn < 0n || fn >= n) throw new ProofError(`leaf index ${index} is outside a tree of ${size}`);
  for (const p of proof) {
    if (!(p instanceof Uint8Array) || p.length !== 32) {
      throw new ProofError("a proof hash is not 32 bytes");
    }
  }
  let sn = n - 1n;
  let r = await leafHash(leaf);
  for (const p of proof) {
    if (sn === 0n) throw new ProofError("the proof is longer than the tree is deep");
    if ((fn & 1n) === 1n || fn === sn) {
      r = await nodeHash(p, r);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) throw new ProofError("the proof is shorter than the tree is deep");
  if (!equal(r, root)) {
    throw new ProofError("the root computed from the entry and its proof differs from the checkpoint's");
  }
}

async function ed25519Verify(publicKey, signature, message) {
  if (subtle) {
    try {
      const key = await subtle.importKey("raw", publicKey, { name: "Ed25519" }, false, ["verify"]);
      return await subtle.verify({ name: "Ed25519" }, key, signature, message);
    } catch (err) {
      // Older engines lack Ed25519 in WebCrypto (NotSupportedError); anything else is real.
      if (!(err && (err.name === "NotSupportedError" || err.name === "SyntaxError"))) throw err;
    }
  }
  // RFC 8032 strict verification (zip215: false), as Python's cryptography does.
  return ed.verify(signature, message, publicKey, { zip215: false });
}

async function keyId(name, publicKey) {
  const digest = await sha256(concat(enc.encode(name), Uint8Array.of(0x0a, 0x01), publicKey));
  return digest.slice(0, 4);
}

/** Parse a C2SP verifier key string; checks its key id matches its name and key. */
export async function parseVerifierKey(vkey) {
  // Split at the first two "+" only: the base64 key may itself contain "+".
  const text = String(vkey).trim();
  const a = text.indexOf("+");
  const b = a < 0 ? -1 : text.indexOf("+", a + 1);
  const parts = b < 0 ? [] : [text.slice(0, a), text.slice(a + 1, b), text.slice(b + 1)];
  if (parts.length !== 3 || !parts[0] || !/^[0-9a-f]{8}$/.test(parts[1])) {
    throw new ProofError("the log key is not a verifier key (name+hex8+base64)");
  }
  const raw = b64decode(parts[2]);
  if (raw.length !== 33 || raw[0] !== 0x01) {
    throw new ProofError("the log key is not an Ed25519 (type 0x01) key");
  }
  const name = parts[0];
  const publicKey = raw.slice(1);
  const id = await keyId(name, publicKey);
  if (hex(id) !== parts[1]) throw new ProofError("the log key's id does not match its name and key");
  return { name, id, publicKey };
}

/** Split a signed note into its text (final newline included) and signature lines. */
export function parseNote(note) {
  const at = note.lastIndexOf("\n\n");
  if (at < 0 || !note.endsWith("\n")) throw new ProofError("not a signed note (no blank line)");
  const text = note.slice(0, at + 1);
  const sigs = note
    .slice(at + 2)
    .split("\n")
    .filter((l) => l !== "")
    .map((line) => {
      const m = /^— (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
      if (!m) throw new ProofError(`bad signature line in the note: ${line.slice(0, 60)}`);
      const raw = b64decode(m[2]);
      if (raw.length < 5) throw new ProofError("a note signature is too short");
      return { name: m[1], id: raw.slice(0, 4), sig: raw.slice(4) };
    });
  if (!sigs.length) throw new ProofError("the note carries no signature");
  return { text, sigs };
}

/**
 * Verify a checkpoint note against the log's verifier key; returns {origin, size, root, ext}.
 * Signatures by other keys (witness cosignatures) are skipped, as the spec says; the log's own
 * must be present and valid.
 */
export async function openCheckpoint(note, vkey, origin) {
  const key = await parseVerifierKey(vkey);
  const { text, sigs } = parseNote(note);
  const mine = sigs.filter((s) => s.name === key.name && equal(s.id, key.id));
  if (!mine.length) throw new ProofError(`the checkpoint is not signed by the log key ${key.name}`);
  for (const s of mine) {
    if (s.sig.length !== 64) throw new ProofError("the log's signature is not 64 bytes");
    if (!(await ed25519Verify(key.publicKey, s.sig, enc.encode(text)))) {
      throw new ProofError("the checkpoint's signature does not verify with the log key");
    }
  }
  const lines = text.slice(0, -1).split("\n");
  if (lines.length < 3) throw new ProofError("the checkpoint has fewer than three lines");
  const [cpOrigin, sizeText, rootText, ...ext] = lines;
  if (origin && cpOrigin !== origin) {
    throw new ProofError(`the checkpoint is for ${cpOrigin}, not ${origin}`);
  }
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText)) throw new ProofError("the checkpoint size is not a number");
  const root = b64decode(rootText);
  if (root.length !== 32) throw new ProofError("the checkpoint root is not 32 bytes");
  return { origin: cpOrigin, size: BigInt(sizeText), root, ext, keyName: key.name };
}

/** Verify the author's Ed25519 signature on a leaf (signed bytes ‖ 64-byte signature). */
export async function verifyEntrySignature(leaf, publicKeyB64) {
  const pk = b64decode(publicKeyB64);
  if (pk.length !== 32) throw new ProofError("the author's public key is not 32 bytes");
  if (leaf.length <= 66) throw new ProofError("the entry is too short to carry a signature");
  const signed = leaf.slice(0, -64);
  const sig = leaf.slice(-64);
  if (!(await ed25519Verify(pk, sig, signed))) {
    throw new ProofError("the entry's signature does not verify with its author's key");
  }
  return JSON.parse(new TextDecoder().decode(signed));
}

/**
 * Check a proof bundle as served by /api/map/proof/{index}: the checkpoint's signature, the
 * entry's inclusion under the checkpoint's root, and the author's signature on the entry.
 * `pinnedKey` (the log key the user trusts, if any) must equal the bundle's key.
 * Returns a summary for display; throws ProofError on the first failure.
 */
export async function checkBundle(bundle, pinnedKey) {
  if (pinnedKey && pinnedKey !== bundle.log_key) {
    throw new ProofError("the log key differs from the one pinned in this browser");
  }
  const cp = await openCheckpoint(bundle.checkpoint, bundle.log_key, bundle.origin);
  if (BigInt(bundle.size) !== cp.size) {
    throw new ProofError(`the proof is for size ${bundle.size}, the checkpoint for ${cp.size}`);
  }
  const leaf = b64decode(bundle.leaf);
  const proof = bundle.proof.map(b64decode);
  await verifyInclusion(leaf, bundle.index, cp.size, proof, cp.root);
  const envelope = await verifyEntrySignature(leaf, bundle.author_key);
  if (envelope.author !== bundle.author) {
    throw new ProofError(`the entry names author ${envelope.author}, not ${bundle.author}`);
  }
  return {
    index: bundle.index,
    size: cp.size.toString(),
    root: b64encode(cp.root),
    rootHex: hex(cp.root),
    leafHash: hex(await leafHash(leaf)),
    keyName: cp.keyName,
    envelope,
    provider: cryptoProvider(),
  };
}
