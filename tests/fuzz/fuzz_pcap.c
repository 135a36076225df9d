/* fuzz_pcap.c - fuzzes a whole capture file through libpcap and the engine. */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
sink(void *arg, const struct vg_flow_record *r)
{
	(void)arg;
	(void)r;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[PCAP_ERRBUF_SIZE];
	struct vg_engine_config cfg;
	struct vg_engine *e;
	struct pcap_pkthdr *h;
	const u_char *pkt;
	pcap_t *p;
	FILE *fp;
	unsigned n = 0;

	if (size == 0 || (fp = fmemopen((void *)(uintptr_t)data, size, "rb")) == NULL)
		return 0;
	if ((p = pcap_fopen_offline(fp, err)) == NULL) {
		fclose(fp);
		return 0;
	}
	vg_engine_config_default(&cfg);
	cfg.flow.max_flows = 256;
	cfg.dnscache_entries = 64;
	if ((e = vg_engine_new(&cfg, sink, NULL)) != NULL) {
		while (n++ < 100000 && pcap_next_ex(p, &h, &pkt) == 1)
			vg_engine_packet(e, pcap_datalink(p),
			    (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec, pkt,
			    h->caplen, h->len);
		vg_engine_flush(e);
		vg_engine_free(e);
	}
	pcap_close(p);
	return 0;
}
