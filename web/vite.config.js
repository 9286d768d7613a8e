// Builds the UI into the Python package (src/truce/web/static), where `truce serve` serves it:
// the installed package needs no Node at run time. File names carry no content hash, so a
// rebuild from unchanged sources gives byte-identical files (checked by scripts/stamp.mjs);
// the server sends them with a validator so browsers revalidate instead of caching stale code.
import { defineConfig } from "vite";

export default defineConfig({
  base: "/",
  build: {
    outDir: "../src/truce/web/static",
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      output: {
        entryFileNames: "assets/app.js",
        chunkFileNames: "assets/[name].js",
        // .mjs becomes .js so every server sends it with a JavaScript MIME type.
        assetFileNames: (asset) =>
          asset.names?.[0]?.endsWith(".mjs") ? "assets/[name].js" : "assets/[name][extname]",
      },
    },
  },
});
