/* fuzz_decode.c - fuzzes decode, flow table, reassembly and every parser through the engine. */
#include <stdint.h>
#include <stdlib.h>
#include <pcap/dlt.h>

#include "cursor.h"
#include "engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int dlts[] = { DLT_EN10MB, DLT_RAW, DLT_LINUX_SLL, 276, DLT_NULL, DLT_LOOP, DLT_PPP,
	DLT_C_HDLC, 228, 229 };

static void
sink(void *arg, const struct vg_flow_record *r)
{
	(void)arg;
	(void)r;
}

/*
 * Input: one byte choosing the link type, then frames, each a 2-byte length
 * and that many bytes; a shared timestamp advances 1 s per frame so
 * timeouts fire too.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_engine_config cfg;
	struct vg_engine *e;
	struct vg_cur c, frame;
	uint8_t sel;
	uint16_t n;
	uint64_t ts = 1700000000ull * 1000000u;

	vg_engine_config_default(&cfg);
	cfg.flow.max_flows = 64; /* small enough that eviction happens */
	cfg.dnscache_entries = 16;
	cfg.max_parser_buffers = 8;
	vg_cur_init(&c, data, size);
	if (!vg_cur_u8(&c, &sel) || (e = vg_engine_new(&cfg, sink, NULL)) == NULL)
		return 0;
	while (vg_cur_u16(&c, &n)) {
		if (!vg_cur_sub(&c, n, &frame))
			vg_cur_rest(&c, &frame), vg_cur_skip(&c, vg_cur_left(&c));
		vg_engine_packet(e, dlts[sel % (sizeof(dlts) / sizeof(dlts[0]))], ts,
		    vg_cur_here(&frame), vg_cur_left(&frame), vg_cur_left(&frame) + (sel & 0x80));
		ts += (n & 1) ? 1000000u : 1000u;
	}
	vg_engine_flush(e);
	vg_engine_free(e);
	return 0;
}
