#!/usr/bin/env bash
# API compatibility with the last published version (jsii-diff). Until a first version is on npm
# there is nothing to compare with, so this says so and passes.
set -euo pipefail
if npm view cdk-iot-ota-tasks version >/dev/null 2>&1; then
  exec jsii-diff npm:cdk-iot-ota-tasks --keys --ignore-file .compatignore
fi
echo "compat: cdk-iot-ota-tasks is not published on npm yet, so there is no released API to compare with; skipping jsii-diff"
