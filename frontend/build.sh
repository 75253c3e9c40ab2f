#!/bin/sh
# Builds Keystage's committed front-end files from the pinned packages in package-lock.json:
#   npm ci && npm run build        (or: sh build.sh after npm ci)
# Nothing needs Node at run time: the outputs below are committed.
set -eu
cd "$(dirname "$0")"

static=../src/keystage/web/static
govuk=node_modules/govuk-frontend/dist/govuk

if [ ! -d "$govuk" ] || [ ! -d node_modules/sass ] || [ ! -d node_modules/axe-core ]; then
    echo "build.sh: run 'npm ci' in frontend/ first" >&2
    exit 1
fi

mkdir -p "$static/govuk" ../tests/e2e

# The stylesheet: GOV.UK Frontend set up by keystage.scss, minified, without a source map.
node_modules/.bin/sass --load-path=node_modules --style=compressed --no-source-map \
    --quiet-deps keystage.scss "$static/govuk/keystage.css"

# GOV.UK Frontend's JavaScript (an ES module), without the pointer to a source map we don't ship.
sed '/^\/\/# sourceMappingURL=/d; s#//\# sourceMappingURL=[^ ]*$##' \
    "$govuk/govuk-frontend.min.js" >"$static/govuk/govuk-frontend.min.js"

# No GOV.UK assets are copied: its fonts are GDS Transport and its images (favicons, crest,
# icons) are GOV.UK's branding. Keystage's own favicon lives in static/keystage/.

# axe-core for the browser accessibility tests, which inject it into each page.
cp node_modules/axe-core/axe.min.js ../tests/e2e/axe.min.js

# Fail the build if GOV.UK's font or crown slipped into the stylesheet.
if grep -q -e "GDS Transport" -e "@font-face" -e "govuk-crest" "$static/govuk/keystage.css"; then
    echo "build.sh: keystage.css mentions GOV.UK's font or crest" >&2
    exit 1
fi

echo "built $static/govuk/keystage.css, $static/govuk/govuk-frontend.min.js, ../tests/e2e/axe.min.js"
