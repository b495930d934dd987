#!/usr/bin/env bash
# Creates .venv and installs Trợ lý CCHC with its test extras, offline-model ready.
# torch==2.13.0 is installed first from the local CPU wheel: a bare `torch` would pull CUDA.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
# Tesseract OCR with Vietnamese data reads scanned PDFs (corpus/loaders.py); DejaVu fonts render
# the test scan. Installed only when missing; without them scanned PDFs get a one-line reason.
if ! command -v tesseract >/dev/null 2>&1 || ! tesseract --list-langs 2>/dev/null | grep -qx vie \
    || [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo -n"
  ($SUDO apt-get update -qq && $SUDO apt-get install -y -qq tesseract-ocr tesseract-ocr-vie fonts-dejavu-core >/dev/null) \
    || echo "warning: tesseract-ocr / tesseract-ocr-vie not installed; scanned PDFs will not be read (OCR tests skipped)" >&2
fi
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q torch==2.13.0
.venv/bin/python -m pip install -q -e ".[test]"
