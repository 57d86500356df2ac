/*
 * fuzz_packet: the packet reader (packet_check_file in src/packet.h) over
 * any bytes written to a file. It must end without crashing whatever the
 * file holds, opening it read-only in defensive mode: a result of 0 (the
 * packet holds) leaves no reason, a refusal always says why, and the file
 * is never changed by being checked.
 */
#include "config.h"

#include "fuzz.h"

#include "packet.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define T "packet"

int fuzz_packet_one(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/gavel-fuzz-packet.XXXXXX", reason[512] = "", err[GV_ERR];
	char side[64];
	char *back = NULL;
	size_t blen = 0;
	int fd = mkstemp(path), rc;

	FUZZ_CHECK(T, fd >= 0);
	FUZZ_CHECK(T, write(fd, data, size) == (ssize_t)size);
	close(fd);
	rc = packet_check_file(path, reason, sizeof reason, err);
	FUZZ_CHECK(T, rc >= -1 && rc <= 1);
	if (rc == 0)
		FUZZ_CHECK(T, reason[0] == '\0');
	if (rc == 1)
		FUZZ_CHECK(T, reason[0] != '\0');
	FUZZ_CHECK(T, util_read_file(path, size + 1, &back, &blen, err) == 0);
	FUZZ_CHECK(T, blen == size && (size == 0 || memcmp(back, data, size) == 0));
	free(back);
	unlink(path);
	snprintf(side, sizeof side, "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);
	return 0;
}

#ifdef FUZZ_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_packet_one(data, size);
}
#endif
