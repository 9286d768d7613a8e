// Records which sources the committed build came from, so a test (without Node) can tell when
// someone changed web/ and forgot to rebuild: writes src/truce/web/static/build.json with the
// SHA-256 of every input (package-lock.json, vite.config.js, index.html, src/**, public/**) and of every
// output file. `node scripts/stamp.mjs --check` compares instead of writing.
//
// The digest: for each input path in sorted order, "path\0sha256hex\n", all hashed with SHA-256.
// tests/unit/test_web_build.py computes the same in Python.
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL("..", import.meta.url));
const out = join(here, "..", "src", "truce", "web", "static");

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

const sha = (data) => createHash("sha256").update(data).digest("hex");
const rel = (base, path) => relative(base, path).split(sep).join("/");

function digest(base, paths) {
  const files = Object.fromEntries(paths.map((p) => [rel(base, p), sha(readFileSync(p))]).sort());
  const all = createHash("sha256");
  for (const [path, hash] of Object.entries(files)) all.update(`${path}\0${hash}\n`);
  return { files, sha256: all.digest("hex") };
}

const inputs = ["package-lock.json", "vite.config.js", "index.html"].map((p) => join(here, p));
const sources = digest(here, [...inputs, ...walk(join(here, "src")), ...walk(join(here, "public"))]);
const outputs = digest(out, walk(out).filter((p) => !p.endsWith("build.json")));
const stamp = { source_sha256: sources.sha256, sources: sources.files, outputs: outputs.files };

if (process.argv.includes("--check")) {
  const old = JSON.parse(readFileSync(join(out, "build.json"), "utf8"));
  if (old.source_sha256 !== stamp.source_sha256 || JSON.stringify(old.outputs) !== JSON.stringify(stamp.outputs)) {
    console.error("src/truce/web/static is not the build of web/: run `make web` and commit it");
    process.exit(1);
  }
  console.log("web build matches its sources");
} else {
  writeFileSync(join(out, "build.json"), JSON.stringify(stamp, null, 2) + "\n");
  console.log(`stamped build of sources ${stamp.source_sha256.slice(0, 12)}`);
}
