/* alloc_count.h - counts allocations between two points of a test, to show that a path allocates nothing. */
#ifndef VG_TEST_ALLOC_COUNT_H
#define VG_TEST_ALLOC_COUNT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Include once per test program, before any test: it defines malloc,
 * calloc and realloc (or installs ASan's hooks). Set counting to 1 around
 * the code under test and read n_allocs; alloc_counter_ready() is false
 * where neither way exists, and the test should then skip.
 */
#if defined(__SANITIZE_ADDRESS__)
#define TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_ASAN 1
#endif
#endif

static volatile unsigned long n_allocs;
static volatile int counting;

#if defined(TEST_ASAN)
/* ASan owns malloc; it calls these hooks on every allocation. */
int __sanitizer_install_malloc_and_free_hooks(void (*)(const volatile void *, size_t),
    void (*)(const volatile void *));

static void
on_malloc(const volatile void *p, size_t n)
{
	if (counting)
		n_allocs++;
}

static void
on_free(const volatile void *p)
{
}

static bool
alloc_counter_ready(void)
{
	__sanitizer_install_malloc_and_free_hooks(on_malloc, on_free);
	return true;
}
#elif defined(__GLIBC__)
/* Without ASan, interpose the allocator and forward to glibc's own entry points. */
void *__libc_malloc(size_t);
void *__libc_calloc(size_t, size_t);
void *__libc_realloc(void *, size_t);

void *
malloc(size_t n)
{
	if (counting)
		n_allocs++;
	return __libc_malloc(n);
}

void *
calloc(size_t a, size_t b)
{
	if (counting)
		n_allocs++;
	return __libc_calloc(a, b);
}

void *
realloc(void *p, size_t n)
{
	if (counting)
		n_allocs++;
	return __libc_realloc(p, n);
}

static bool
alloc_counter_ready(void)
{
	return true;
}
#else
static bool
alloc_counter_ready(void)
{
	return false;
}
#endif

#endif
