/*
 * bench/timing.h: the clock and the median the cost benchmarks share
 * (cgroup_cost.c, ns_cost.c).
 */
#ifndef SAFECGI_BENCH_TIMING_H
#define SAFECGI_BENCH_TIMING_H

#include <stdlib.h>
#include <time.h>

static inline double
now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static inline int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Sorts v. */
static inline double
median(double *v, int n)
{
	qsort(v, n, sizeof(double), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#endif
