#!/bin/bash
# Deliberately vulnerable: evaluates the raw query string, as old
# router CGIs do.  Only for the tests and the demo.
printf 'Content-Type: text/plain\n\n'
eval "echo $QUERY_STRING"
