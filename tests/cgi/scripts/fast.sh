#!/bin/sh
printf 'Content-Type: text/plain\n\nfast\n'
