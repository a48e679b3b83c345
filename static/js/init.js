// Starts GOV.UK Frontend. Loaded as <script type="module"> from templates/base.html.
//
// GOV.UK Frontend v6's template.njk sets these body classes with an inline <script>;
// our Content Security Policy forbids inline scripts, so it happens here instead. Any
// browser that runs a module script supports `noModule`, so both classes always apply.
// The components check for `govuk-frontend-supported`, so add it before initAll().
import { initAll } from "/static/govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
