#!/bin/sh
# The audio benchmarks: bench/memory.sh and bench/mix.sh, one after the other.
cd "$(dirname "$0")/.." || exit 1
sh bench/memory.sh
sh bench/mix.sh
