#!/bin/sh
# A protocol switch: a front proxy that sees a 101 may turn the
# connection into a raw tunnel to whatever the script says next.
printf 'Status: 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'
printf 'TUNNEL-OPEN\n'
