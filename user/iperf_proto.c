/*
 * iperf3's documents and datagram format (see iperf.h): the parameters a
 * client sends, the results both sides exchange, and the UDP header that
 * carries a timestamp and a sequence number for loss and jitter.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "user/iperf.h"
#include "user/json.h"

#define JSON_NODES 256
#define NS_PER_S   1000000000ll

void iperf_params_default(struct iperf_params *p)
{
	memset(p, 0, sizeof(*p));
	p->duration = 10;
	p->parallel = 1;
}

static int64_t num_or(const struct json_node *obj, const char *key, int64_t def)
{
	const struct json_node *v = json_get(obj, key);

	return v && v->type == JSON_NUMBER ? v->num : def;
}

/*
 * get_parameters() reads each key it knows; the options this server does
 * not implement get the error a Linux iperf3 server gives when the matching
 * socket option fails (or IEUNIMP when it has none), so the client prints
 * iperf3's own message instead of waiting.
 */
int iperf_params_parse(char *json, size_t len, struct iperf_params *p, int *sys_errno)
{
	static struct json_node pool[JSON_NODES];
	const struct json_node *root;
	int err;

	*sys_errno = 0;
	iperf_params_default(p);
	root = json_parse(json, len, pool, JSON_NODES, &err);
	if (!root || root->type != JSON_OBJECT)
		return IERECVPARAMS;
	if (json_get(root, "sctp"))
		return IENOSCTP;
	p->udp = json_get(root, "udp") != NULL;
	p->reverse = json_get(root, "reverse") != NULL;
	p->nodelay = json_get(root, "nodelay") != NULL;
	p->udp_counters_64bit = json_get(root, "udp_counters_64bit") != NULL;
	p->get_server_output = json_get(root, "get_server_output") != NULL;
	p->omit = (int)num_or(root, "omit", 0);
	p->duration = (int)num_or(root, "time", 10);
	p->bytes = (uint64_t)num_or(root, "num", 0);
	p->blocks = (uint64_t)num_or(root, "blockcount", 0);
	p->parallel = (int)num_or(root, "parallel", 1);
	p->window = (int)num_or(root, "window", 0);
	p->blksize = (int)num_or(root, "len", 0);
	p->rate = (uint64_t)num_or(root, "bandwidth", 0);
	p->mss = (int)num_or(root, "MSS", 0);
	if (json_get(root, "bidirectional"))
		return p->reverse ? IEREVERSEBIDIR : IEUNIMP;
	if (p->parallel < 1 || p->parallel > IPERF_MAX_STREAMS)
		return IENUMSTREAMS;
	if (p->blksize < 0 || p->blksize > IPERF_MAX_BLKSIZE)
		return IEBLOCKSIZE;
	if (p->duration < 0 || p->omit < 0 || p->window < 0)
		return IERECVPARAMS;
	if (json_get(root, "congestion"))
		return IESETCONGESTION;
	if (json_get(root, "server_affinity")) {
		*sys_errno = ENOPROTOOPT;
		return IEAFFINITY;
	}
	if (p->mss) {
		*sys_errno = ENOPROTOOPT; /* the stack has no TCP_MAXSEG setsockopt */
		return IESETMSS;
	}
	if (num_or(root, "TOS", 0)) {
		*sys_errno = ENOPROTOOPT; /* nor IP_TOS */
		return IESETTOS;
	}
	if (num_or(root, "flowlabel", 0))
		return IESETFLOW;
	if (num_or(root, "dont_fragment", 0))
		return IESETDONTFRAGMENT;
	if (!p->blksize)
		p->blksize = p->udp ? IPERF_UDP_BLKSIZE : IPERF_TCP_BLKSIZE;
	if (p->udp && !p->rate)
		p->rate = IPERF_UDP_RATE;
	return IENONE;
}

long iperf_params_format(const struct iperf_params *p, char *buf, size_t cap)
{
	struct json_writer w;

	json_init(&w, buf, cap);
	json_obj_begin(&w);
	json_key(&w, p->udp ? "udp" : "tcp");
	json_bool(&w, 1);
	json_key(&w, "omit");
	json_int(&w, p->omit);
	json_key(&w, "time");
	json_int(&w, p->duration);
	json_key(&w, "num");
	json_uint(&w, p->bytes);
	json_key(&w, "blockcount");
	json_uint(&w, p->blocks);
	json_key(&w, "parallel");
	json_int(&w, p->parallel);
	if (p->reverse) {
		json_key(&w, "reverse");
		json_bool(&w, 1);
	}
	if (p->window) {
		json_key(&w, "window");
		json_int(&w, p->window);
	}
	json_key(&w, "len");
	json_int(&w, p->blksize);
	if (p->rate) {
		json_key(&w, "bandwidth");
		json_uint(&w, p->rate);
	}
	json_key(&w, "pacing_timer");
	json_int(&w, 1000);
	json_key(&w, "client_version");
	json_str(&w, "3.12");
	json_obj_end(&w);
	return json_end(&w);
}

/* send_results(): the keys get_results() requires, plus start and end times. */
long iperf_results_format(const struct iperf_stream_stats *s, int n,
			  const struct iperf_results_info *info, char *buf, size_t cap)
{
	struct json_writer w;

	json_init(&w, buf, cap);
	json_obj_begin(&w);
	json_key(&w, "cpu_util_total");
	json_fixed(&w, info->cpu_total_e3, 3);
	json_key(&w, "cpu_util_user");
	json_fixed(&w, 0, 3);
	json_key(&w, "cpu_util_system");
	json_fixed(&w, info->cpu_total_e3, 3);
	json_key(&w, "sender_has_retransmits");
	json_int(&w, info->sender_has_retransmits);
	if (info->server_output) {
		json_key(&w, "server_output_text");
		json_str(&w, info->server_output);
	}
	json_key(&w, "streams");
	json_arr_begin(&w);
	for (int i = 0; i < n; i++) {
		json_obj_begin(&w);
		json_key(&w, "id");
		json_int(&w, s[i].id);
		json_key(&w, "bytes");
		json_uint(&w, s[i].bytes);
		json_key(&w, "retransmits");
		json_int(&w,
			 s[i].sender && info->sender_has_retransmits > 0 ? s[i].retransmits : -1);
		json_key(&w, "jitter");
		json_fixed(&w, s[i].jitter_ns, 9);
		json_key(&w, "errors");
		json_uint(&w, s[i].errors);
		json_key(&w, "packets");
		json_uint(&w, s[i].packets);
		json_key(&w, "start_time");
		json_int(&w, 0);
		json_key(&w, "end_time");
		json_fixed(&w, (int64_t)(s[i].end_ns - s[i].start_ns), 9);
		json_obj_end(&w);
	}
	json_arr_end(&w);
	json_obj_end(&w);
	return json_end(&w);
}

static int number(const struct json_node *obj, const char *key, const struct json_node **out)
{
	*out = json_get(obj, key);
	return *out && (*out)->type == JSON_NUMBER;
}

int iperf_results_parse(char *json, size_t len, const int *ids, int nids,
			struct iperf_peer_results *out)
{
	static struct json_node pool[JSON_NODES];
	const struct json_node *root, *v, *st, *id, *bytes, *retr, *jit, *errs, *pkts, *t0, *t1;
	int err, k;

	memset(out, 0, sizeof(*out));
	root = json_parse(json, len, pool, JSON_NODES, &err);
	if (!root || !number(root, "cpu_util_total", &v) || !json_get(root, "cpu_util_user") ||
	    !json_get(root, "cpu_util_system"))
		return IERECVRESULTS;
	out->cpu_total_e6 = v->num_e6;
	if (!number(root, "sender_has_retransmits", &v))
		return IERECVRESULTS;
	out->sender_has_retransmits = (int)v->num;
	st = json_get(root, "streams");
	if (!st || st->type != JSON_ARRAY)
		return IERECVRESULTS;
	for (st = st->child; st; st = st->next) {
		struct iperf_peer_stream *ps;

		if (!number(st, "id", &id) || !number(st, "bytes", &bytes) ||
		    !number(st, "retransmits", &retr) || !number(st, "jitter", &jit) ||
		    !number(st, "errors", &errs) || !number(st, "packets", &pkts))
			return IERECVRESULTS;
		for (k = 0; k < nids && ids[k] != id->num; k++)
			;
		if (k == nids || out->n == IPERF_MAX_STREAMS)
			return IESTREAMID;
		ps = &out->s[out->n++];
		ps->id = (int)id->num;
		ps->bytes = bytes->num;
		ps->retransmits = retr->num;
		ps->jitter_e6 = jit->num_e6;
		ps->errors = errs->num;
		ps->packets = pkts->num;
		/* pre-3.2 peers send no times: the caller then uses its own */
		if (number(st, "start_time", &t0) && number(st, "end_time", &t1))
			ps->duration_e6 = t1->num_e6 - t0->num_e6;
	}
	return IENONE;
}

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static uint32_t get_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

size_t iperf_udp_header(void *buf, size_t len, uint64_t now_ns, uint64_t seq, int counters64)
{
	unsigned char *p = buf;
	size_t need = counters64 ? 16 : 12;

	if (len < need)
		return 0;
	put_be32(p, (uint32_t)(now_ns / NS_PER_S));
	put_be32(p + 4, (uint32_t)(now_ns % NS_PER_S / 1000));
	if (counters64) {
		put_be32(p + 8, (uint32_t)(seq >> 32));
		put_be32(p + 12, (uint32_t)seq);
	} else {
		put_be32(p + 8, (uint32_t)seq);
	}
	return need;
}

void iperf_udp_received(struct iperf_stream_stats *s, const void *buf, size_t len, uint64_t now_ns,
			int counters64)
{
	const unsigned char *p = buf;
	int first = s->bytes == 0;
	uint64_t seq, sent_ns;
	int64_t transit, d;

	s->bytes += len;
	if (len < (counters64 ? 16u : 12u))
		return;
	sent_ns = (uint64_t)get_be32(p) * NS_PER_S + (uint64_t)get_be32(p + 4) * 1000;
	seq = counters64 ? (uint64_t)get_be32(p + 8) << 32 | get_be32(p + 12) : get_be32(p + 8);
	if (seq > s->packets) {
		/* a gap in the sequence counts as loss until the datagrams turn up */
		s->errors += seq - 1 - s->packets;
		s->packets = seq;
	} else {
		s->outoforder++;
		if (s->errors)
			s->errors--;
	}
	/*
	 * RFC 3550 6.4.1: J += (|D| - J) / 16, D the change in transit time.
	 * The clocks need not agree: only differences of transit times count.
	 */
	transit = (int64_t)(now_ns - sent_ns);
	if (first)
		s->prev_transit_ns = transit;
	d = transit - s->prev_transit_ns;
	if (d < 0)
		d = -d;
	s->prev_transit_ns = transit;
	s->jitter_ns += (d - s->jitter_ns) / 16;
}

uint64_t iperf_allowed_bytes(uint64_t rate, uint64_t elapsed_ns)
{
	uint64_t per_s = rate / 8;

	/* whole seconds and the rest apart: 100 Gbit/s for a day stays within 64 bits */
	return per_s * (elapsed_ns / NS_PER_S) + per_s * (elapsed_ns % NS_PER_S) / NS_PER_S;
}

const char *iperf_strerror(int ie)
{
	static const struct {
		int ie;
		const char *msg;
	} msgs[] = {
		{IEDURATION, "test duration too long (maximum = 86400 seconds)"},
		{IENUMSTREAMS, "number of parallel streams too large (maximum = 128)"},
		{IEBLOCKSIZE, "block size too large (maximum = 1048576 bytes)"},
		{IEUNIMP, "an option you are trying to set is not implemented yet"},
		{IENOSCTP, "no SCTP support available"},
		{IEREVERSEBIDIR, "cannot be both reverse and bidirectional"},
		{IECTRLCLOSE, "control socket has closed unexpectedly"},
		{IEMESSAGE, "received an unknown control message"},
		{IERECVPARAMS, "unable to receive parameters from client"},
		{IERECVRESULTS, "unable to receive results"},
		{IECLIENTTERM, "the client has terminated"},
		{IESERVERTERM, "the server has terminated"},
		{IEACCESSDENIED, "the server is busy running a test. try again later"},
		{IESETMSS, "unable to set TCP/SCTP MSS"},
		{IESETTOS, "unable to set IP TOS"},
		{IESETFLOW, "unable to set IPv6 flow label"},
		{IEAFFINITY, "unable to set CPU affinity"},
		{IESETCONGESTION, "unable to set TCP_CONGESTION: Supplied congestion control "
				  "algorithm not supported on this host"},
		{IESETDONTFRAGMENT, "unable to set IP Do-Not-Fragment flag"},
		{IESTREAMID, "stream has an invalid id"},
	};

	for (size_t i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++)
		if (msgs[i].ie == ie)
			return msgs[i].msg;
	return "unknown error";
}
