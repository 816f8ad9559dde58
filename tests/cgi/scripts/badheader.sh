#!/bin/sh
printf 'this is not a header block\n\nbody\n'
