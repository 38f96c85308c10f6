/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Arithmetic for the guest selftests, which link no libm: square root,
 * absolute value, 10^x, e^-x and erf, one copy for every test.
 */
#ifndef _QLINK_MATH_H
#define _QLINK_MATH_H

/* Newton's square root (converged well before the last iteration). */
static inline double sqrt_d(double x)
{
	double r = x > 1 ? x : 1;
	int i;

	if (x <= 0)
		return 0;
	for (i = 0; i < 200; i++)
		r = (r + x / r) / 2;
	return r;
}

static inline double fabs_d(double x)
{
	return x < 0 ? -x : x;
}

/* 10^x: e^(x ln 10) by halving and Taylor. */
static inline double pow10_d(double x)
{
	double y = x * 2.302585092994046, s = 1, t = 1;
	int i, k = 0;

	while (y > 0.125 || y < -0.125) {
		y /= 2;
		k++;
	}
	for (i = 1; i < 16; i++) {
		t *= y / i;
		s += t;
	}
	while (k--)
		s *= s;
	return s;
}

/* e^-x for x >= 0: halve, Taylor, square back. */
static inline double exp_neg(double x)
{
	double s = 1, t = 1;
	int i, k = 0;

	while (x > 0.125) {
		x /= 2;
		k++;
	}
	for (i = 1; i < 16; i++) {
		t *= -x / i;
		s += t;
	}
	while (k--)
		s *= s;
	return s;
}

/* erf(x) by its Taylor series; 1 beyond 5 (erf(5) = 1 - 1.5e-12). */
static inline double erf_d(double x)
{
	double t, s;
	int n;

	if (x < 0)
		return -erf_d(-x);
	if (x > 5)
		return 1;
	t = x;
	s = x;
	for (n = 1; n < 200; n++) {
		t *= -x * x / n;
		s += t / (2 * n + 1);
	}
	return s * 1.1283791670955126;	/* 2 / sqrt(pi) */
}

#endif /* _QLINK_MATH_H */
