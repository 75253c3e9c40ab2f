// Starts GOV.UK Frontend's components on every page (base.html loads this file as a module).
// It is a file, not an inline script, so the Content Security Policy can forbid inline scripts.
// Only browsers that run ES modules get here, which is what `govuk-frontend-supported` means:
// GOV.UK Frontend's styles for enhanced components apply only under that class on <body>.
import { initAll } from "../govuk/govuk-frontend.min.js";

document.body.classList.add("govuk-frontend-supported");
initAll();
