/* capture.c - capture files for libpcap, with transparent gzip through a stdio cookie. */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "capture.h"

struct vg_capture {
	pcap_t *pcap;
	FILE *fp;      /* handed to libpcap, closed by pcap_close */
	gzFile gz;     /* when compressed: the stream behind fp's cookie */
	uint64_t size; /* on-disk size, 0 when not a regular file */
	int fd;
};

static ssize_t
gz_read(void *cookie, char *buf, size_t n)
{
	struct vg_capture *cap = cookie;
	int got;

	if (n > (1u << 30))
		n = 1u << 30;
	got = gzread(cap->gz, buf, (unsigned)n);
	return got < 0 ? -1 : got;
}

static int
gz_close(void *cookie)
{
	struct vg_capture *cap = cookie;
	int rc = gzclose_r(cap->gz);

	cap->gz = NULL;
	return rc == Z_OK ? 0 : -1;
}

struct vg_capture *
vg_capture_open_file(const char *path, char *err, size_t errlen)
{
	struct vg_capture *cap;
	char pcerr[PCAP_ERRBUF_SIZE];
	struct stat st;
	unsigned char magic[2];
	bool stdin_input = strcmp(path, "-") == 0;
	FILE *raw;

	if ((cap = calloc(1, sizeof(*cap))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	raw = stdin_input ? stdin : fopen(path, "rb");
	if (raw == NULL) {
		snprintf(err, errlen, "cannot open: %s", strerror(errno));
		free(cap);
		return NULL;
	}
	if (fstat(fileno(raw), &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			snprintf(err, errlen, "is a directory, not a capture file");
			goto fail_raw;
		}
		if (S_ISREG(st.st_mode))
			cap->size = (uint64_t)st.st_size;
	}
	if (cap->size != 0 && fread(magic, 1, 2, raw) == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
		/* gzip (RFC 1952): decompress behind a FILE so libpcap reads it as usual. */
		static const cookie_io_functions_t io = { .read = gz_read, .close = gz_close };
		int fd;

		rewind(raw);
		if ((fd = dup(fileno(raw))) < 0 || (cap->gz = gzdopen(fd, "rb")) == NULL) {
			snprintf(err, errlen, "cannot read gzip stream");
			goto fail_raw;
		}
		fclose(raw);
		raw = NULL;
		if ((cap->fp = fopencookie(cap, "rb", io)) == NULL) {
			gzclose_r(cap->gz);
			snprintf(err, errlen, "cannot read gzip stream");
			free(cap);
			return NULL;
		}
	} else {
		if (cap->size != 0)
			rewind(raw);
		cap->fp = raw;
	}
	cap->pcap = pcap_fopen_offline_with_tstamp_precision(cap->fp, PCAP_TSTAMP_PRECISION_MICRO,
	    pcerr);
	if (cap->pcap == NULL) {
		/* libpcap's message for an empty or foreign file is terse; say what we expected. */
		snprintf(err, errlen, "not a pcap or pcapng capture (%s)", pcerr);
		fclose(cap->fp);
		free(cap);
		return NULL;
	}
	return cap;

fail_raw:
	if (!stdin_input)
		fclose(raw);
	free(cap);
	return NULL;
}

void
vg_capture_close(struct vg_capture *cap)
{
	if (cap == NULL)
		return;
	pcap_close(cap->pcap); /* closes fp, and through the cookie the gzip stream */
	free(cap);
}

int
vg_capture_datalink(const struct vg_capture *cap)
{
	return pcap_datalink(cap->pcap);
}

const char *
vg_capture_datalink_name(const struct vg_capture *cap)
{
	const char *n = pcap_datalink_val_to_name(pcap_datalink(cap->pcap));

	return n != NULL ? n : "unknown";
}

static bool
at_eof(const struct vg_capture *cap)
{
	if (cap->gz != NULL)
		return gzeof(cap->gz);
	return feof(cap->fp) || (cap->size != 0 && (uint64_t)ftello(cap->fp) >= cap->size);
}

enum vg_capture_rc
vg_capture_next(struct vg_capture *cap, uint64_t *ts_us, const uint8_t **data, size_t *caplen,
    size_t *wirelen, char *err, size_t errlen)
{
	struct pcap_pkthdr *h;
	const u_char *d;
	int rc = pcap_next_ex(cap->pcap, &h, &d);

	if (rc == 1) {
		*ts_us = (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec;
		*data = d;
		*caplen = h->caplen;
		*wirelen = h->len >= h->caplen ? h->len : h->caplen;
		return VG_CAP_PACKET;
	}
	if (rc == PCAP_ERROR_BREAK)
		return VG_CAP_END;
	snprintf(err, errlen, "%s", pcap_geterr(cap->pcap));
	/* A capture cut while being written ends inside its last record. */
	return at_eof(cap) ? VG_CAP_TRUNCATED : VG_CAP_CORRUPT;
}

void
vg_capture_progress(const struct vg_capture *cap, uint64_t *pos, uint64_t *size)
{
	off_t off = cap->gz != NULL ? gzoffset(cap->gz) : ftello(cap->fp);

	*pos = off > 0 ? (uint64_t)off : 0;
	*size = cap->size;
}
