/* chain.c - the hash chain, Ed25519 checkpoint signatures and the signing key's files. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "chain.h"
#include "out_json.h"

#define KEY_FILE_MAX 4096 /* a PEM Ed25519 key is about 120 bytes */

static void
crypto_err(struct vg_err *err, const char *what)
{
	unsigned long e = ERR_get_error();
	char buf[256];

	if (e == 0) {
		snprintf(err->msg, sizeof(err->msg), "%s failed", what);
		return;
	}
	ERR_error_string_n(e, buf, sizeof(buf));
	snprintf(err->msg, sizeof(err->msg), "%s: %s", what, buf);
	ERR_clear_error();
}

/*
 * OpenSSL 3 looks an algorithm up (under locks) each time EVP_sha256() is
 * used implicitly; the chain hashes every event, so the digest is fetched
 * once and its context reused. One writer per process: no locking needed.
 */
static EVP_MD *sha256_md;
static EVP_MD_CTX *sha256_ctx;

int
vg_chain_hash(const uint8_t prev[VG_HASH_LEN], const char *json, size_t len,
    uint8_t out[VG_HASH_LEN])
{
	unsigned int n = 0;

	if (sha256_md == NULL && (sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL)) == NULL)
		return -1;
	if (sha256_ctx == NULL && (sha256_ctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	if (EVP_DigestInit_ex(sha256_ctx, sha256_md, NULL) == 1 &&
	    EVP_DigestUpdate(sha256_ctx, prev, VG_HASH_LEN) == 1 &&
	    EVP_DigestUpdate(sha256_ctx, json, len) == 1 &&
	    EVP_DigestFinal_ex(sha256_ctx, out, &n) == 1 && n == VG_HASH_LEN)
		return 0;
	return -1;
}

void
vg_hex(const uint8_t *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool
vg_unhex(const char *in, size_t inlen, uint8_t *out, size_t n)
{
	size_t i;

	if (n > SIZE_MAX / 2 || inlen != 2 * n)
		return false;
	for (i = 0; i < n; i++) {
		int hi = hexval(in[2 * i]), lo = hexval(in[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

int
vg_ckpt_message(const struct vg_checkpoint *c, char *buf, size_t len)
{
	char store[2 * VG_STORE_ID_LEN + 1], head[2 * VG_HASH_LEN + 1], ts[32];
	int n;

	vg_hex(c->store_id, VG_STORE_ID_LEN, store);
	vg_hex(c->head, VG_HASH_LEN, head);
	vg_format_ts(c->ts_us, ts, sizeof(ts));
	n = snprintf(buf, len, "vigie-checkpoint-v1 store=%s seq=%llu head=%s ts=%s", store,
	    (unsigned long long)c->seq, head, ts);
	if (n < 0 || (size_t)n >= len)
		return -1;
	return n;
}

int
vg_key_id(EVP_PKEY *key, char *out)
{
	uint8_t raw[64], md[VG_HASH_LEN];
	size_t n = sizeof(raw);
	unsigned int mdlen = 0;

	if (EVP_PKEY_get_raw_public_key(key, raw, &n) != 1)
		return -1;
	if (EVP_Digest(raw, n, md, &mdlen, EVP_sha256(), NULL) != 1)
		return -1;
	vg_hex(md, VG_KEY_ID_HEX / 2, out);
	return 0;
}

int
vg_ckpt_sign(struct vg_checkpoint *c, EVP_PKEY *key, struct vg_err *err)
{
	char msg[VG_CKPT_MESSAGE_MAX];
	EVP_MD_CTX *md;
	size_t siglen = VG_SIG_LEN;
	int n, rc = -1;

	if (vg_key_id(key, c->key_id) != 0) {
		crypto_err(err, "reading the signing key");
		return -1;
	}
	if ((n = vg_ckpt_message(c, msg, sizeof(msg))) < 0) {
		snprintf(err->msg, sizeof(err->msg), "checkpoint message too long");
		return -1;
	}
	if ((md = EVP_MD_CTX_new()) == NULL) {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return -1;
	}
	/* Ed25519 is one-shot: no digest is named (RFC 8032 PureEdDSA). */
	if (EVP_DigestSignInit(md, NULL, NULL, NULL, key) == 1 &&
	    EVP_DigestSign(md, c->sig, &siglen, (const unsigned char *)msg, (size_t)n) == 1 &&
	    siglen == VG_SIG_LEN)
		rc = 0;
	else
		crypto_err(err, "signing a checkpoint");
	EVP_MD_CTX_free(md);
	return rc;
}

int
vg_ckpt_verify(const struct vg_checkpoint *c, EVP_PKEY *key)
{
	char msg[VG_CKPT_MESSAGE_MAX];
	EVP_MD_CTX *md;
	int n, rc;

	if ((n = vg_ckpt_message(c, msg, sizeof(msg))) < 0)
		return 0;
	if ((md = EVP_MD_CTX_new()) == NULL)
		return -1;
	if (EVP_DigestVerifyInit(md, NULL, NULL, NULL, key) != 1) {
		EVP_MD_CTX_free(md);
		ERR_clear_error();
		return -1;
	}
	rc = EVP_DigestVerify(md, c->sig, VG_SIG_LEN, (const unsigned char *)msg, (size_t)n);
	EVP_MD_CTX_free(md);
	ERR_clear_error();
	return rc == 1 ? 1 : 0;
}

static bool
is_ed25519(EVP_PKEY *k)
{
	return EVP_PKEY_id(k) == EVP_PKEY_ED25519;
}

/* Reads at most KEY_FILE_MAX bytes of an open file; NUL-terminated, malloc'd. */
static char *
read_small(int fd, const char *path, size_t *lenp, struct vg_err *err)
{
	char *buf = malloc(KEY_FILE_MAX + 1);
	size_t len = 0;
	ssize_t n;

	if (buf == NULL) {
		snprintf(err->msg, sizeof(err->msg), "%s: out of memory", path);
		return NULL;
	}
	for (;;) {
		n = read(fd, buf + len, KEY_FILE_MAX + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err->msg, sizeof(err->msg), "%s: %s", path, strerror(errno));
			free(buf);
			return NULL;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > KEY_FILE_MAX) {
			snprintf(err->msg, sizeof(err->msg), "%s: larger than %d bytes, not a key",
			    path, KEY_FILE_MAX);
			free(buf);
			return NULL;
		}
	}
	buf[len] = '\0';
	*lenp = len;
	return buf;
}

static EVP_PKEY *
generate(const char *path, struct vg_err *err)
{
	EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL);
	EVP_PKEY *key = NULL;
	FILE *fp = NULL;
	char tmp[4200];
	int fd;

	if (pc == NULL || EVP_PKEY_keygen_init(pc) != 1 || EVP_PKEY_keygen(pc, &key) != 1) {
		crypto_err(err, "generating an Ed25519 key");
		EVP_PKEY_CTX_free(pc);
		return NULL;
	}
	EVP_PKEY_CTX_free(pc);
	/* Written aside, then linked into place: a crash never leaves half a key under path. */
	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp)) {
		snprintf(err->msg, sizeof(err->msg), "%s: path too long", path);
		EVP_PKEY_free(key);
		return NULL;
	}
	fd = mkstemp(tmp); /* mode 0600 */
	if (fd < 0 || (fp = fdopen(fd, "w")) == NULL) {
		snprintf(err->msg, sizeof(err->msg), "%s: cannot create the signing key: %s", path,
		    strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		EVP_PKEY_free(key);
		return NULL;
	}
	if (PEM_write_PrivateKey(fp, key, NULL, NULL, 0, NULL, NULL) != 1 || fflush(fp) != 0 ||
	    fsync(fd) != 0) {
		crypto_err(err, "writing the signing key");
		fclose(fp);
		unlink(tmp);
		EVP_PKEY_free(key);
		return NULL;
	}
	if (fclose(fp) != 0 || link(tmp, path) != 0) {
		/* link() never replaces: a key that appeared meanwhile is kept. */
		snprintf(err->msg, sizeof(err->msg), "%s: %s", path, strerror(errno));
		unlink(tmp);
		EVP_PKEY_free(key);
		return NULL;
	}
	unlink(tmp);
	return key;
}

EVP_PKEY *
vg_key_load_private(const char *path, bool create, bool *created, struct vg_err *err)
{
	struct stat st;
	EVP_PKEY *key;
	BIO *bio;
	char *pem;
	size_t len;
	int fd;

	if (created != NULL)
		*created = false;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 && errno == ENOENT && create) {
		key = generate(path, err);
		if (key != NULL && created != NULL)
			*created = true;
		return key;
	}
	if (fd < 0) {
		snprintf(err->msg, sizeof(err->msg), "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err->msg, sizeof(err->msg), "%s: not a regular file", path);
		close(fd);
		return NULL;
	}
	if ((st.st_mode & 077) != 0) {
		snprintf(err->msg, sizeof(err->msg),
		    "%s: mode %03o lets others read the signing key; chmod 600 it",
		    path, (unsigned)(st.st_mode & 0777));
		close(fd);
		return NULL;
	}
	pem = read_small(fd, path, &len, err);
	close(fd);
	if (pem == NULL)
		return NULL;
	bio = BIO_new_mem_buf(pem, (int)len);
	key = bio != NULL ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
	BIO_free(bio);
	OPENSSL_cleanse(pem, len);
	free(pem);
	if (key == NULL) {
		crypto_err(err, path);
		return NULL;
	}
	if (!is_ed25519(key)) {
		snprintf(err->msg, sizeof(err->msg), "%s: not an Ed25519 private key", path);
		EVP_PKEY_free(key);
		return NULL;
	}
	return key;
}

EVP_PKEY *
vg_key_public_from_pem(const char *name, const char *pem, size_t len, struct vg_err *err)
{
	EVP_PKEY *key;
	BIO *bio;

	if (len > KEY_FILE_MAX) {
		snprintf(err->msg, sizeof(err->msg), "%s: larger than %d bytes, not a key", name,
		    KEY_FILE_MAX);
		return NULL;
	}
	bio = BIO_new_mem_buf(pem, (int)len);
	key = bio != NULL ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL) : NULL;
	BIO_free(bio);
	if (key == NULL) {
		crypto_err(err, name);
		return NULL;
	}
	if (!is_ed25519(key)) {
		snprintf(err->msg, sizeof(err->msg), "%s: not an Ed25519 public key", name);
		EVP_PKEY_free(key);
		return NULL;
	}
	return key;
}

EVP_PKEY *
vg_key_load_public(const char *path, struct vg_err *err)
{
	EVP_PKEY *key;
	char *pem;
	size_t len;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		snprintf(err->msg, sizeof(err->msg), "%s: %s", path, strerror(errno));
		return NULL;
	}
	pem = read_small(fd, path, &len, err);
	close(fd);
	if (pem == NULL)
		return NULL;
	key = vg_key_public_from_pem(path, pem, len, err);
	free(pem);
	return key;
}

char *
vg_key_public_pem(EVP_PKEY *key)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data, *out = NULL;
	long n;

	if (bio == NULL)
		return NULL;
	if (PEM_write_bio_PUBKEY(bio, key) == 1 && (n = BIO_get_mem_data(bio, &data)) > 0 &&
	    (out = malloc((size_t)n + 1)) != NULL) {
		memcpy(out, data, (size_t)n);
		out[n] = '\0';
	}
	BIO_free(bio);
	return out;
}
