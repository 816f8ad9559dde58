#!/bin/sh
# Stands in for the unit tests when configure did not find Check: an
# error, never a silent skip, so that a run without the unit tests cannot
# pass for a full one.
echo "Bail out! the unit tests were not built: configure did not find Check (>= 0.15); install it (Debian: apt-get install check) and run configure again"
exit 1
