/* SPDX-License-Identifier: GPL-2.0 */
/*
 * qcore: the pure-C core shared by the qlink kernel module and the
 * userspace unit tests, fuzzers and benchmarks.
 *
 * This header is the only place that knows which world it is built in.
 * In the kernel it pulls in the usual headers; in userspace it provides
 * the few kernel types and helpers qcore uses, as plain C with the same
 * names and semantics, so that every .c file in kernel/qcore/ compiles
 * unchanged in both.  No floating point, no allocation.
 */
#ifndef _QCORE_TYPES_H
#define _QCORE_TYPES_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/math64.h>
#include <linux/bitops.h>
#include <linux/build_bug.h>
#include <linux/errno.h>
#include <linux/limits.h>

#else /* !__KERNEL__ */

#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/cdefs.h>		/* __always_inline */
#include <linux/types.h>	/* __u8 .. __s64 from the uapi headers */

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s32 s32;
typedef __s64 s64;

#ifndef likely
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#endif

#define BIT(nr)		(1UL << (nr))
#define BIT_ULL(nr)	(1ULL << (nr))

#define U16_MAX		((u16)~0U)
#define U32_MAX		((u32)~0U)
#define U64_MAX		((u64)~0ULL)

/* Type-checked like the kernel's: both sides must have the same type. */
#ifndef min
#define min(a, b) ({						\
	__typeof__(a) _min_a = (a);				\
	__typeof__(b) _min_b = (b);				\
	(void)(&_min_a == &_min_b);				\
	_min_a < _min_b ? _min_a : _min_b; })
#define max(a, b) ({						\
	__typeof__(a) _max_a = (a);				\
	__typeof__(b) _max_b = (b);				\
	(void)(&_max_a == &_max_b);				\
	_max_a > _max_b ? _max_a : _max_b; })
#endif

/*
 * A division the kernel would trap on (x86 divq raises #DE for a zero
 * divisor or a quotient above 64 bits, an oops with whatever lock is
 * held) traps here with a message, so that the unit tests and the
 * fuzzer report it (SIGILL) instead of going on with a truncated value.
 */
static inline void
qcore_div_fault(const char *fn, u64 a, u64 b, u64 div)
{
	fprintf(stderr, "qcore: %s(%llu, %llu, %llu) faults in the kernel (#DE)\n",
		fn, (unsigned long long)a, (unsigned long long)b,
		(unsigned long long)div);
	__builtin_trap();	/* SIGILL, like the kernel's ud2 */
}

static inline u64 div64_u64(u64 dividend, u64 divisor)
{
	if (!divisor)
		qcore_div_fault(__func__, dividend, 1, divisor);
	return dividend / divisor;
}

static inline u64 div_u64(u64 dividend, u32 divisor)
{
	if (!divisor)
		qcore_div_fault(__func__, dividend, 1, divisor);
	return dividend / divisor;
}

static inline u64 mul_u64_u64_shr(u64 a, u64 b, unsigned int shift)
{
	return (u64)(((__uint128_t)a * b) >> shift);
}

/* Like x86's mulq/divq: a quotient that does not fit is a fault. */
static inline u64 mul_u64_u64_div_u64(u64 a, u64 b, u64 div)
{
	__uint128_t q;

	if (!div)
		qcore_div_fault(__func__, a, b, div);
	q = ((__uint128_t)a * b) / div;
	if (q >> 64)
		qcore_div_fault(__func__, a, b, div);
	return (u64)q;
}

static inline int fls64(u64 x)
{
	return x ? 64 - __builtin_clzll(x) : 0;
}

/* floor(sqrt(x)), bit by bit like lib/math/int_sqrt.c */
static inline u32 int_sqrt64(u64 x)
{
	u64 b, m, y = 0;

	if (x <= 1)
		return (u32)x;
	m = 1ULL << ((fls64(x) - 1) & ~1);
	while (m) {
		b = y + m;
		y >>= 1;
		if (x >= b) {
			x -= b;
			y += m;
		}
		m >>= 2;
	}
	return (u32)y;
}

#endif /* __KERNEL__ */

/**
 * qcore_mul_div_sat() - @a * @b / @c, saturated
 * @a: factor
 * @b: factor
 * @c: divisor
 *
 * For products of counters and times that have no bound of their own:
 * mul_u64_u64_div_u64() faults (#DE on x86) on a quotient above 64 bits
 * or a zero divisor; this returns U64_MAX for both instead.
 *
 * Return: the quotient, or U64_MAX if it does not fit or @c is 0.
 */
static inline u64 qcore_mul_div_sat(u64 a, u64 b, u64 c)
{
	/* the quotient fits iff the high half of the product is below c */
	if (!c || mul_u64_u64_shr(a, b, 64) >= c)
		return U64_MAX;
	return mul_u64_u64_div_u64(a, b, c);
}

#endif /* _QCORE_TYPES_H */
