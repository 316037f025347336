/*
 * A minimal unit-test runner.  A test file defines its tests with TEST()
 * and lists them in a TESTS table; main() runs them all (or those whose
 * names contain argv[1]) and prints "N passed, N failed".  A failed CHECK
 * reports file:line and the expression, and ends the current test.
 *
 *	TEST(buf_grows) { ... CHECK(b.n == 3); CHECK_STREQ(b.p, "abc"); }
 *	TESTS(T(buf_grows), T(...));
 */
#ifndef TZ_TEST_H
#define TZ_TEST_H

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct test_case {
	const char *name;
	void (*fn)(void);
};

static jmp_buf test_jmp;
static int test_failed_checks;

#define TEST(name) static void test_##name(void)
#define T(name) {#name, test_##name}

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);   \
			test_failed_checks++;                                                      \
			longjmp(test_jmp, 1);                                                      \
		}                                                                                  \
	} while (0)

#define CHECK_STREQ(a, b)                                                                          \
	do {                                                                                       \
		const char *a_ = (a), *b_ = (b);                                                   \
		if (a_ == NULL || b_ == NULL || strcmp(a_, b_) != 0) {                             \
			fprintf(stderr, "%s:%d: %s == %s failed\n  got:      \"%s\"\n  expected: \"%s\"\n", \
			        __FILE__, __LINE__, #a, #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)");\
			test_failed_checks++;                                                      \
			longjmp(test_jmp, 1);                                                      \
		}                                                                                  \
	} while (0)

#define CHECK_INTEQ(a, b)                                                                          \
	do {                                                                                       \
		long long a_ = (long long)(a), b_ = (long long)(b);                                \
		if (a_ != b_) {                                                                    \
			fprintf(stderr, "%s:%d: %s == %s failed: %lld != %lld\n", __FILE__,        \
			        __LINE__, #a, #b, a_, b_);                                         \
			test_failed_checks++;                                                      \
			longjmp(test_jmp, 1);                                                      \
		}                                                                                  \
	} while (0)

/* The folder of the shared test data (../shared/testdata), from the environment. */
static inline const char *test_shared_dir(void)
{
	const char *d = getenv("TZ_SHARED");
	return d ? d : "../shared";
}

#define TESTS(...)                                                                                 \
	static const struct test_case test_cases[] = {__VA_ARGS__};                                \
	int main(int argc, char **argv)                                                            \
	{                                                                                          \
		volatile size_t i;                                                                 \
		volatile int passed = 0, failed = 0;                                               \
		for (i = 0; i < sizeof(test_cases) / sizeof(test_cases[0]); i++) {                 \
			const struct test_case *tc = &test_cases[i];                               \
			if (argc > 1 && strstr(tc->name, argv[1]) == NULL)                         \
				continue;                                                          \
			test_failed_checks = 0;                                                    \
			if (setjmp(test_jmp) == 0)                                                 \
				tc->fn();                                                          \
			if (test_failed_checks) {                                                  \
				fprintf(stderr, "FAIL %s\n", tc->name);                            \
				failed++;                                                          \
			} else {                                                                   \
				passed++;                                                          \
			}                                                                          \
		}                                                                                  \
		printf("%d passed, %d failed\n", passed, failed);                                  \
		return failed ? 1 : 0;                                                             \
	}

#endif
