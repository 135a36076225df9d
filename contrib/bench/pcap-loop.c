/* pcap-loop.c - bench-scan.sh's baseline: the cost of reading a capture with libpcap and nothing else. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

#include <pcap/pcap.h>

int
main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *hdr;
	const u_char *data;
	uint64_t pkts = 0, bytes = 0;
	pcap_t *p;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: pcap-loop CAPTURE\n");
		return 2;
	}
	p = pcap_open_offline(argv[1], errbuf);
	if (p == NULL) {
		fprintf(stderr, "pcap-loop: %s\n", errbuf);
		return 1;
	}
	/* Summing caplen makes the loop's result observable so it cannot be optimised away. */
	while ((rc = pcap_next_ex(p, &hdr, &data)) == 1) {
		pkts++;
		bytes += hdr->caplen;
	}
	if (rc == PCAP_ERROR) {
		fprintf(stderr, "pcap-loop: %s\n", pcap_geterr(p));
		pcap_close(p);
		return 1;
	}
	pcap_close(p);
	printf("%" PRIu64 " packets %" PRIu64 " bytes\n", pkts, bytes);
	return 0;
}
