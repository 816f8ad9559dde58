#!/bin/sh
printf 'Status: 418 I am a teapot\r\nContent-Type: text/plain\r\n\r\nteapot\n'
