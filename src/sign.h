/*
 * sign: each expert's Ed25519 key pair (libsodium), which signs the events
 * written into an offline packet, so that a merge can tell the expert's
 * own work from a packet someone re-hashed on the way. The key lives in the
 * user's configuration folder ($XDG_CONFIG_HOME/gavel/, else
 * ~/.config/gavel/), created on first use with mode 0600; the project keeps
 * the public keys it trusts (see store_packet.h).
 *
 * Text forms: a public key is the standard base64 of its 32 bytes (44
 * characters); a signature the base64 of its 64 bytes; a fingerprint
 * "SHA256:" and the unpadded base64 of the first 12 bytes of the key's
 * SHA-256 (16 characters), short enough to read out over a phone.
 */
#ifndef GAVEL_SIGN_H
#define GAVEL_SIGN_H

#include <stddef.h>
#include <stdint.h>

#define SIGN_PUB_LEN 45 /* base64 public key + NUL */
#define SIGN_SIG_LEN 89 /* base64 signature + NUL */
#define SIGN_FP_LEN  24 /* "SHA256:" + 16 characters + NUL */

struct sign_key {
	unsigned char pk[32];
	unsigned char sk[64];
	char pub[SIGN_PUB_LEN]; /* pk as text */
	char fp[SIGN_FP_LEN];	/* pk's fingerprint */
};

/*
 * The folder the key files live in into buf (len bytes):
 * $XDG_CONFIG_HOME/gavel when that is an absolute path, else
 * $HOME/.config/gavel. Returns 0, or -1 with err filled.
 */
int sign_dir(char *buf, size_t len, char *err);

/*
 * Load the user's key pair from signing.key in sign_dir. When it does not
 * exist and create is set, make the folder (0700) and a new pair, written
 * with O_EXCL and mode 0600, so two processes starting at once cannot both
 * write one; *created (may be NULL) says it was made now. A key file that
 * others may read or write is refused, as ssh refuses one. Returns 0, or -1
 * with err filled (no key and create unset is an error naming the file).
 */
int sign_load(struct sign_key *k, int create, int *created, char *err);

/* Wipe the secret key from memory. */
void sign_key_wipe(struct sign_key *k);

/* Parse a public key's text form; 0, or -1 when it is not one. */
int sign_pub_parse(const char *text, unsigned char pk[32]);

/* The fingerprint of a public key in text form into fp; 0, or -1 when the
 * text is not a public key. */
int sign_fingerprint(const char *pub, char fp[SIGN_FP_LEN]);

/* Sign msg (len bytes) with k into sig (base64). */
void sign_message(const struct sign_key *k, const void *msg, size_t len, char sig[SIGN_SIG_LEN]);

/* 0 when sig (base64) is pub's (base64) signature of msg, -1 otherwise
 * (including malformed text). */
int sign_verify(const char *pub, const void *msg, size_t len, const char *sig);

/*
 * Signatures checked on a second thread while the caller goes on (a packet's
 * chain is read and hashed on one core while its signatures, some 50 us
 * each, are checked on the other). sign_batch_add queues one check of sig
 * over the 64-character message msg (an event's hash) by pub, under a tag
 * (an event's seq, > 0); sign_batch_finish helps with what is left, waits,
 * frees the batch and returns the smallest tag whose check failed, or 0
 * when every one held.
 */
struct sign_batch;
struct sign_batch *sign_batch_start(void);
void sign_batch_add(struct sign_batch *b, const char *pub, const char *msg, const char *sig,
		    int64_t tag);
int64_t sign_batch_finish(struct sign_batch *b);

#endif
