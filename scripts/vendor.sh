#!/usr/bin/env bash
# Refresh the vendored front-end libraries from the npm registry (no CDN at run time).
set -euo pipefail
dest="$(cd "$(dirname "$0")/.." && pwd)/src/yimen/web/static/vendor"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "htmx.org@${HTMX_VERSION:-2.0.11}" >/dev/null
tar xzf htmx.org-*.tgz && cp package/dist/htmx.min.js "$dest/" && cp package/LICENSE "$dest/htmx.LICENSE"
rm -rf package
if [ -n "${ECHARTS_VERSION:-6.1.0}" ]; then
  npm pack --silent "echarts@${ECHARTS_VERSION}" >/dev/null
  tar xzf echarts-*.tgz && cp package/dist/echarts.min.js "$dest/" && cp package/LICENSE "$dest/echarts.LICENSE"
fi
echo "vendored into $dest"
