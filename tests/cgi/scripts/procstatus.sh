#!/bin/sh
# A Nagios-style status script: reads what status scripts read from /proc
# and says, file by file, whether it could.
printf 'Content-Type: text/plain\n\n'
for f in loadavg uptime meminfo cpuinfo stat version self/status \
    kallsyms kcore modules keys sys/kernel/hostname sysrq-trigger; do
	if read -r line < "/proc/$f" && [ -n "$line" ]; then
		echo "readable $f"
	else
		echo "absent $f"
	fi
done
