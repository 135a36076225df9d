/* chain.h - the hash chain, Ed25519 checkpoint signatures and the signing key's files. */
#ifndef VG_CHAIN_H
#define VG_CHAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "event.h"
#include "yamldoc.h"

/* The text a checkpoint signature covers, at most this long with its NUL. */
#define VG_CKPT_MESSAGE_MAX 192

/* hash = SHA-256(prev || json). Returns 0, or -1 if libcrypto fails. */
int vg_chain_hash(const uint8_t prev[VG_HASH_LEN], const char *json, size_t len,
    uint8_t out[VG_HASH_LEN]);

/*
 * "vigie-checkpoint-v1 store=<32 hex> seq=<decimal> head=<64 hex> ts=<RFC 3339 UTC, us>",
 * no newline. Returns its length, or -1 if buf is too small.
 */
int vg_ckpt_message(const struct vg_checkpoint *c, char *buf, size_t len);

/* Fills c->sig and c->key_id from key. 0, or -1 with err set. */
int vg_ckpt_sign(struct vg_checkpoint *c, EVP_PKEY *key, struct vg_err *err);
/* 1 when c->sig is key's signature of c, 0 when it is not, -1 on a libcrypto error. */
int vg_ckpt_verify(const struct vg_checkpoint *c, EVP_PKEY *key);

/* key_id of a public or private Ed25519 key; out needs VG_KEY_ID_HEX + 1 bytes. 0 or -1. */
int vg_key_id(EVP_PKEY *key, char *out);

/*
 * The private key at path; when the file does not exist and create is true, a new key is
 * generated and written with mode 0600 (refused if the file appears meanwhile). A key file
 * readable by group or others is refused. The caller frees the key with EVP_PKEY_free.
 * *created tells whether it was generated (may be NULL).
 */
EVP_PKEY *vg_key_load_private(const char *path, bool create, bool *created, struct vg_err *err);
/* A PEM public key (SubjectPublicKeyInfo); Ed25519 only. */
EVP_PKEY *vg_key_load_public(const char *path, struct vg_err *err);
/* The PEM public key from memory (as the store keeps it); name is what errors call it. */
EVP_PKEY *vg_key_public_from_pem(const char *name, const char *pem, size_t len,
    struct vg_err *err);
/* The public half of key as PEM; malloc'd NUL-terminated text, NULL when out of memory. */
char *vg_key_public_pem(EVP_PKEY *key);

/* Lower-case hex of n bytes into out (2n + 1 bytes). */
void vg_hex(const uint8_t *in, size_t n, char *out);
/* Exactly 2n hex digits (either case) into n bytes; false otherwise. */
bool vg_unhex(const char *in, size_t inlen, uint8_t *out, size_t n);

#endif
