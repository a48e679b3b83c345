// `npm run vendor`: build the council-branded CSS and copy the GOV.UK Frontend JS/images
// and axe-core into the repo. The outputs are committed so `make run` needs no npm.
//
//   frontend/scss/app.scss                          -> static/css/app.css (compressed)
//   govuk-frontend dist/govuk/govuk-frontend.min.js -> static/govuk/govuk-frontend.min.js
//   govuk-frontend dist/govuk/assets/images/*       -> static/govuk/assets/images/
//   govuk-frontend dist/govuk/assets/manifest.json  -> static/govuk/assets/manifest.json
//   axe-core axe.min.js                             -> tests/vendor/axe.min.js
//   govuk-frontend version                          -> static/govuk/VERSION
//
// No fonts are copied: GDS Transport is licensed for GOV.UK-domain services only.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const at = (...parts) => join(root, ...parts);
const govukDist = at("node_modules", "govuk-frontend", "dist", "govuk");
const govukVersion = JSON.parse(readFileSync(at("node_modules", "govuk-frontend", "package.json"), "utf8")).version;

// Django's ManifestStaticFilesStorage tries to resolve sourceMappingURL comments during
// collectstatic; we ship no .map files, so drop the comments.
const stripSourceMap = (text) =>
  text.replace(/\n?\/\*# sourceMappingURL=[^*]*\*\/\s*$/, "\n").replace(/\n?\/\/# sourceMappingURL=\S*\s*$/, "\n");

// 1. CSS
const result = sass.compile(at("frontend", "scss", "app.scss"), {
  style: "compressed",
  sourceMap: false,
  quietDeps: true, // deprecation noise from inside govuk-frontend is not ours to fix
  importers: [new sass.NodePackageImporter(root)],
});
const css = stripSourceMap(result.css);
for (const forbidden of ["@font-face", "GDS Transport"]) {
  if (css.includes(forbidden)) {
    throw new Error(`static/css/app.css contains "${forbidden}": GDS Transport must not ship (see frontend/scss/app.scss)`);
  }
}
mkdirSync(at("static", "css"), { recursive: true });
writeFileSync(at("static", "css", "app.css"), css);

// 2. GOV.UK Frontend JS, images, manifest and version (static/govuk is rebuilt from scratch)
const govukOut = at("static", "govuk");
rmSync(govukOut, { recursive: true, force: true });
mkdirSync(join(govukOut, "assets"), { recursive: true });
writeFileSync(
  join(govukOut, "govuk-frontend.min.js"),
  stripSourceMap(readFileSync(join(govukDist, "govuk-frontend.min.js"), "utf8")),
);
cpSync(join(govukDist, "assets", "images"), join(govukOut, "assets", "images"), { recursive: true });
cpSync(join(govukDist, "assets", "manifest.json"), join(govukOut, "assets", "manifest.json"));
writeFileSync(join(govukOut, "VERSION"), `${govukVersion}\n`);

// 3. axe-core for the offline browser accessibility tests
mkdirSync(at("tests", "vendor"), { recursive: true });
cpSync(at("node_modules", "axe-core", "axe.min.js"), at("tests", "vendor", "axe.min.js"));

console.log(`vendored govuk-frontend ${govukVersion}: static/css/app.css (${css.length} bytes), static/govuk/, tests/vendor/axe.min.js`);
