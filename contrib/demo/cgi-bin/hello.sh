#!/bin/sh
printf 'Content-Type: text/plain\n\nHello from a jailed CGI script.\n'
printf 'I run as: '; id
