#!/usr/bin/env bash
# Lint openapi.yaml and the control API's mockserver/control.yaml with
# Spectral (standard "spectral:oas" ruleset, see .spectral.yaml).
# Spectral is installed once into ./.cache/spectral and reused afterwards.
set -euo pipefail

cd "$(dirname "$0")/.."

SPECTRAL_VERSION="6.16.3"
SPECTRAL_DIR=".cache/spectral"
SPECTRAL_BIN="./${SPECTRAL_DIR}/node_modules/.bin/spectral"

if [[ ! -x "${SPECTRAL_BIN}" ]]; then
  echo "Installing @stoplight/spectral-cli@${SPECTRAL_VERSION} into ${SPECTRAL_DIR} ..." >&2
  mkdir -p "${SPECTRAL_DIR}"
  npm install --no-audit --no-fund --prefix "${SPECTRAL_DIR}" "@stoplight/spectral-cli@${SPECTRAL_VERSION}"
fi

echo "Spectral $("${SPECTRAL_BIN}" --version)" >&2
"${SPECTRAL_BIN}" lint openapi.yaml mockserver/control.yaml --ruleset .spectral.yaml --fail-severity=warn
