/*
 * sign: Ed25519 key pairs in the user's configuration folder, signatures and
 * fingerprints in text form (see sign.h).
 */
#include "config.h"

#include "sign.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define B64 sodium_base64_VARIANT_ORIGINAL

static int ready(char *err)
{
	if (sodium_init() < 0)
		return err_set(err, "libsodium could not start");
	return 0;
}

int sign_dir(char *buf, size_t len, char *err)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	int n;
	if (xdg && xdg[0] == '/')
		n = snprintf(buf, len, "%s/gavel", xdg);
	else if (home && home[0])
		n = snprintf(buf, len, "%s/.config/gavel", home);
	else
		return err_set(err, "no folder for the signing key: set HOME or XDG_CONFIG_HOME");
	if (n <= 0 || (size_t)n >= len)
		return err_set(err, "the signing key's folder name is too long");
	return 0;
}

static void key_text(struct sign_key *k)
{
	sodium_bin2base64(k->pub, sizeof k->pub, k->pk, sizeof k->pk, B64);
	sign_fingerprint(k->pub, k->fp);
}

/* mkdir -p for the last two levels (…/.config/gavel), mode 0700. */
static int make_dir(const char *dir, char *err)
{
	char parent[4096];
	const char *slash = strrchr(dir, '/');
	if (slash && slash != dir && (size_t)(slash - dir) < sizeof parent) {
		memcpy(parent, dir, (size_t)(slash - dir));
		parent[slash - dir] = '\0';
		if (mkdir(parent, 0700) != 0 && errno != EEXIST)
			return err_set(err, "%s: %s", parent, strerror(errno));
	}
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return err_set(err, "%s: %s", dir, strerror(errno));
	return 0;
}

static int write_new(const char *path, struct sign_key *k, char *err)
{
	char text[128];
	size_t n;
	int fd;

	crypto_sign_keypair(k->pk, k->sk);
	sodium_bin2base64(text, sizeof text, k->sk, sizeof k->sk, B64);
	n = strlen(text);
	text[n++] = '\n';
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno == EEXIST ? 1 : err_set(err, "%s: %s", path, strerror(errno));
	if (write(fd, text, n) != (ssize_t)n || fsync(fd) != 0) {
		err_set(err, "%s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		sodium_memzero(text, sizeof text);
		return -1;
	}
	close(fd);
	sodium_memzero(text, sizeof text);
	key_text(k);
	return 0;
}

static int read_key(const char *path, struct sign_key *k, char *err)
{
	char text[256];
	struct stat sb;
	size_t len = 0, bin = 0;
	ssize_t got;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = -1;

	if (fd < 0)
		return errno == ENOENT ? 1 : err_set(err, "%s: %s", path, strerror(errno));
	if (fstat(fd, &sb) != 0 || (sb.st_mode & 077)) {
		err_set(err,
			"%s: others may read or change this signing key (mode %03o); "
			"make it yours alone: chmod 600 %s",
			path, (unsigned)(sb.st_mode & 0777), path);
		goto out;
	}
	while ((got = read(fd, text + len, sizeof text - 1 - len)) > 0)
		len += (size_t)got;
	text[len] = '\0';
	while (len && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		text[--len] = '\0';
	if (sodium_base642bin(k->sk, sizeof k->sk, text, len, NULL, &bin, NULL, B64) != 0 ||
	    bin != sizeof k->sk) {
		err_set(err, "%s: not a gavel signing key", path);
		goto out;
	}
	crypto_sign_ed25519_sk_to_pk(k->pk, k->sk);
	key_text(k);
	rc = 0;
out:
	sodium_memzero(text, sizeof text);
	close(fd);
	return rc;
}

int sign_load(struct sign_key *k, int create, int *created, char *err)
{
	char dir[4096], path[4200];
	int rc;

	memset(k, 0, sizeof *k);
	if (created)
		*created = 0;
	if (ready(err) || sign_dir(dir, sizeof dir, err))
		return -1;
	snprintf(path, sizeof path, "%s/signing.key", dir);
	rc = read_key(path, k, err);
	if (rc <= 0)
		return rc;
	if (!create)
		return err_set(err, "%s: no signing key yet (gavel expert key makes one)", path);
	if (make_dir(dir, err))
		return -1;
	rc = write_new(path, k, err);
	if (rc == 1) /* another process wrote it first: use theirs */
		return read_key(path, k, err) == 0 ? 0 : -1;
	if (rc == 0 && created)
		*created = 1;
	return rc;
}

void sign_key_wipe(struct sign_key *k)
{
	sodium_memzero(k->sk, sizeof k->sk);
}

int sign_pub_parse(const char *text, unsigned char pk[32])
{
	size_t bin = 0;
	const char *end = NULL;
	if (!text || ready(NULL) ||
	    sodium_base642bin(pk, 32, text, strlen(text), NULL, &bin, &end, B64) != 0 ||
	    bin != 32 || *end)
		return -1;
	return 0;
}

int sign_fingerprint(const char *pub, char fp[SIGN_FP_LEN])
{
	unsigned char pk[32], h[crypto_hash_sha256_BYTES];
	char b[32];
	if (sign_pub_parse(pub, pk))
		return -1;
	crypto_hash_sha256(h, pk, sizeof pk);
	sodium_bin2base64(b, sizeof b, h, 12, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
	memcpy(fp, "SHA256:", 7);
	memcpy(fp + 7, b, 17); /* 16 characters and the NUL */
	return 0;
}

void sign_message(const struct sign_key *k, const void *msg, size_t len, char sig[SIGN_SIG_LEN])
{
	unsigned char s[crypto_sign_BYTES];
	crypto_sign_detached(s, NULL, msg, len, k->sk);
	sodium_bin2base64(sig, SIGN_SIG_LEN, s, sizeof s, B64);
}

int sign_verify(const char *pub, const void *msg, size_t len, const char *sig)
{
	unsigned char pk[32], s[crypto_sign_BYTES];
	size_t bin = 0;
	const char *end = NULL;
	if (sign_pub_parse(pub, pk) || !sig ||
	    sodium_base642bin(s, sizeof s, sig, strlen(sig), NULL, &bin, &end, B64) != 0 ||
	    bin != sizeof s || *end)
		return -1;
	return crypto_sign_verify_detached(s, msg, len, pk) == 0 ? 0 : -1;
}

/* ---- checks on a second thread ---- */

#define BATCH_RUN 64 /* checks taken at a time */

struct sign_job {
	char pub[SIGN_PUB_LEN], sig[SIGN_SIG_LEN], msg[65];
	int64_t tag; /* < 0: too long to be a key or signature, failed as it was added */
};

struct sign_batch {
	pthread_mutex_t m;
	pthread_cond_t c;
	pthread_t worker;
	int started, done;
	struct sign_job *v;
	size_t n, cap, next;
	int64_t bad; /* the smallest failed tag, 0 when none */
};

static void batch_fail(struct sign_batch *b, int64_t tag)
{
	if (!b->bad || tag < b->bad)
		b->bad = tag;
}

/* Take up to BATCH_RUN queued checks and run them; 0 when none was left.
 * Called with b->m held; returns with it held. */
static int batch_run(struct sign_batch *b)
{
	struct sign_job run[BATCH_RUN];
	int64_t bad = 0;
	size_t k = 0;
	while (k < BATCH_RUN && b->next < b->n)
		run[k++] = b->v[b->next++];
	if (!k)
		return 0;
	pthread_mutex_unlock(&b->m);
	for (size_t i = 0; i < k; i++) {
		int64_t tag = run[i].tag < 0 ? -run[i].tag : run[i].tag;
		if ((run[i].tag < 0 || sign_verify(run[i].pub, run[i].msg, 64, run[i].sig) != 0) &&
		    (!bad || tag < bad))
			bad = tag;
	}
	pthread_mutex_lock(&b->m);
	if (bad)
		batch_fail(b, bad);
	return 1;
}

static void *batch_worker(void *arg)
{
	struct sign_batch *b = arg;
	pthread_mutex_lock(&b->m);
	for (;;) {
		if (batch_run(b))
			continue;
		if (b->done)
			break;
		pthread_cond_wait(&b->c, &b->m);
	}
	pthread_mutex_unlock(&b->m);
	return NULL;
}

struct sign_batch *sign_batch_start(void)
{
	struct sign_batch *b = xcalloc(1, sizeof *b);
	pthread_mutex_init(&b->m, NULL);
	pthread_cond_init(&b->c, NULL);
	/* Without a thread the checks all run in sign_batch_finish. */
	b->started = pthread_create(&b->worker, NULL, batch_worker, b) == 0;
	return b;
}

void sign_batch_add(struct sign_batch *b, const char *pub, const char *msg, const char *sig,
		    int64_t tag)
{
	struct sign_job j;
	int fits = pub && sig && msg && strlen(pub) < sizeof j.pub && strlen(sig) < sizeof j.sig &&
		   strlen(msg) == 64;
	memset(&j, 0, sizeof j);
	j.tag = fits ? tag : -tag;
	if (fits) {
		memcpy(j.pub, pub, strlen(pub) + 1);
		memcpy(j.sig, sig, strlen(sig) + 1);
		memcpy(j.msg, msg, 65);
	}
	pthread_mutex_lock(&b->m);
	b->v = xgrow(b->v, &b->cap, b->n + 1, sizeof *b->v);
	b->v[b->n++] = j;
	if (b->n - b->next >= BATCH_RUN)
		pthread_cond_signal(&b->c);
	pthread_mutex_unlock(&b->m);
}

int64_t sign_batch_finish(struct sign_batch *b)
{
	int64_t bad;
	pthread_mutex_lock(&b->m);
	b->done = 1;
	pthread_cond_signal(&b->c);
	while (batch_run(b))
		;
	pthread_mutex_unlock(&b->m);
	if (b->started)
		pthread_join(b->worker, NULL);
	bad = b->bad;
	pthread_mutex_destroy(&b->m);
	pthread_cond_destroy(&b->c);
	free(b->v);
	free(b);
	return bad;
}
