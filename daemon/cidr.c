/* cidr.c - a PATRICIA-style radix tree: nodes only where prefixes branch or end. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cidr.h"

struct node {
	uint8_t key[16];
	unsigned len;          /* bits of key that matter */
	const void *value;     /* NULL: a branching node only */
	struct node *child[2];
};

struct vg_cidr {
	struct node *root[2]; /* [0] IPv4, [1] IPv6 */
	size_t count;
};

static unsigned
bit(const uint8_t *k, unsigned i)
{
	return (k[i >> 3] >> (7 - (i & 7))) & 1;
}

/* Length of the common prefix of a and b, at most max bits. */
static unsigned
common(const uint8_t *a, const uint8_t *b, unsigned max)
{
	unsigned i = 0;

	while (i + 8 <= max && a[i >> 3] == b[i >> 3])
		i += 8;
	while (i < max && bit(a, i) == bit(b, i))
		i++;
	return i;
}

static void
mask(uint8_t *k, unsigned len)
{
	for (unsigned i = len; i < 128; i++)
		k[i >> 3] &= (uint8_t)~(0x80u >> (i & 7));
}

struct vg_cidr *
vg_cidr_new(void)
{
	return calloc(1, sizeof(struct vg_cidr));
}

static void
free_nodes(struct node *n)
{
	/* Depth is at most 129, so recursion is bounded. */
	if (n == NULL)
		return;
	free_nodes(n->child[0]);
	free_nodes(n->child[1]);
	free(n);
}

void
vg_cidr_free(struct vg_cidr *t)
{
	if (t == NULL)
		return;
	free_nodes(t->root[0]);
	free_nodes(t->root[1]);
	free(t);
}

size_t
vg_cidr_count(const struct vg_cidr *t)
{
	return t->count;
}

bool
vg_cidr_parse(const char *text, struct vg_addr *a, unsigned *len)
{
	const char *slash = strchr(text, '/');
	char host[64];
	uint8_t k[16];
	unsigned long n;
	char *end;
	size_t hl;

	if (slash == NULL || (hl = (size_t)(slash - text)) == 0 || hl >= sizeof(host))
		return false;
	memcpy(host, text, hl);
	host[hl] = '\0';
	if (!vg_addr_parse(host, a) || slash[1] < '0' || slash[1] > '9')
		return false;
	n = strtoul(slash + 1, &end, 10);
	if (*end != '\0' || n > (a->family == 4 ? 32u : 128u) || (slash[1] == '0' && slash[2] != '\0'))
		return false;
	memcpy(k, a->b, 16);
	mask(k, (unsigned)n);
	if (memcmp(k, a->b, 16) != 0)
		return false; /* host bits set: a typo, or an address where a network was meant */
	*len = (unsigned)n;
	return true;
}

static struct node *
new_node(const uint8_t *key, unsigned len, const void *value)
{
	struct node *n = calloc(1, sizeof(*n));

	if (n != NULL) {
		memcpy(n->key, key, 16);
		mask(n->key, len);
		n->len = len;
		n->value = value;
	}
	return n;
}

bool
vg_cidr_insert(struct vg_cidr *t, const struct vg_addr *a, unsigned len, const void *value,
    const void **old)
{
	struct node **pp = &t->root[a->family == 6], *n, *split, *leaf;
	uint8_t key[16];
	unsigned c;

	if (old != NULL)
		*old = NULL;
	if (value == NULL || len > (a->family == 4 ? 32u : 128u) || t->count >= VG_CIDR_MAX)
		return false;
	memcpy(key, a->b, 16);
	mask(key, len);
	for (;;) {
		n = *pp;
		if (n == NULL) {
			if ((*pp = new_node(key, len, value)) == NULL)
				return false;
			t->count++;
			return true;
		}
		c = common(n->key, key, n->len < len ? n->len : len);
		if (c == n->len && c == len) { /* the same prefix */
			if (n->value != NULL) {
				if (old != NULL)
					*old = n->value;
				return false;
			}
			n->value = value;
			t->count++;
			return true;
		}
		if (c == n->len) { /* n is a prefix of key: go down */
			pp = &n->child[bit(key, n->len)];
			continue;
		}
		/* Diverge at c: the new prefix sits above n, or both hang from a branch node. */
		if (c == len) {
			if ((leaf = new_node(key, len, value)) == NULL)
				return false;
			leaf->child[bit(n->key, len)] = n;
			*pp = leaf;
		} else {
			if ((split = new_node(key, c, NULL)) == NULL)
				return false;
			if ((leaf = new_node(key, len, value)) == NULL) {
				free(split);
				return false;
			}
			split->child[bit(key, c)] = leaf;
			split->child[bit(n->key, c)] = n;
			*pp = split;
		}
		t->count++;
		return true;
	}
}

const void *
vg_cidr_lookup(const struct vg_cidr *t, const struct vg_addr *a, unsigned *len)
{
	const struct node *n = t->root[a->family == 6];
	const void *best = NULL;
	unsigned max = a->family == 4 ? 32 : 128, blen = 0;

	while (n != NULL && n->len <= max && common(n->key, a->b, n->len) == n->len) {
		if (n->value != NULL) {
			best = n->value;
			blen = n->len;
		}
		if (n->len == max)
			break;
		n = n->child[bit(a->b, n->len)];
	}
	if (len != NULL)
		*len = blen;
	return best;
}
