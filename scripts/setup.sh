#!/usr/bin/env bash
# Creates .venv and installs Trợ lý CCHC with its test extras, offline-model ready.
# torch==2.13.0 is installed first from the local CPU wheel: a bare `torch` would pull CUDA.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q torch==2.13.0
.venv/bin/python -m pip install -q -e ".[test]"
