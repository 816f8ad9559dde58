#!/bin/sh
# A background child must neither hold the response open nor outlive it.
sleep 417 &
printf 'Content-Type: text/plain\n\nbackgrounded\n'
