/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of the qlink heralding path (qlink.md §8):
 *   qlink:qlink_herald  a heralding attempt (coincidence or herald event)
 *   qlink:qlink_pair    a pair became readable in a link's buffer
 *   qlink:qlink_expire  pairs left a buffer unused (reason, seq range)
 * Each carries the link id; pair events carry the trace id that follows
 * the pair through multicast events and the tools.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM qlink

#if !defined(_QLINK_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _QLINK_TRACE_H

#include <linux/tracepoint.h>

TRACE_EVENT(qlink_herald,
	    TP_PROTO(u32 link_id, u64 attempt, u64 t_ps, bool success, u8 bell),
	    TP_ARGS(link_id, attempt, t_ps, success, bell),
	    TP_STRUCT__entry(__field(u32, link_id)
			     __field(u64, attempt)
			     __field(u64, t_ps)
			     __field(bool, success)
			     __field(u8, bell)),
	    TP_fast_assign(__entry->link_id = link_id;
			   __entry->attempt = attempt;
			   __entry->t_ps = t_ps;
			   __entry->success = success;
			   __entry->bell = bell;),
	    TP_printk("link=%u attempt=%llu t_ps=%llu success=%d bell=%u",
		      __entry->link_id, __entry->attempt, __entry->t_ps,
		      __entry->success, __entry->bell)
);

TRACE_EVENT(qlink_pair,
	    TP_PROTO(u32 link_id, u64 trace_id, u64 seq, u64 herald_ps,
		     u32 fidelity_ppm, u8 bell, u64 latency_ps),
	    TP_ARGS(link_id, trace_id, seq, herald_ps, fidelity_ppm, bell,
		    latency_ps),
	    TP_STRUCT__entry(__field(u32, link_id)
			     __field(u64, trace_id)
			     __field(u64, seq)
			     __field(u64, herald_ps)
			     __field(u32, fidelity_ppm)
			     __field(u8, bell)
			     __field(u64, latency_ps)),
	    TP_fast_assign(__entry->link_id = link_id;
			   __entry->trace_id = trace_id;
			   __entry->seq = seq;
			   __entry->herald_ps = herald_ps;
			   __entry->fidelity_ppm = fidelity_ppm;
			   __entry->bell = bell;
			   __entry->latency_ps = latency_ps;),
	    TP_printk("link=%u trace=%#llx seq=%llu herald_ps=%llu f=%u bell=%u latency_ps=%llu",
		      __entry->link_id, __entry->trace_id, __entry->seq,
		      __entry->herald_ps, __entry->fidelity_ppm, __entry->bell,
		      __entry->latency_ps)
);

TRACE_EVENT(qlink_expire,
	    TP_PROTO(u32 link_id, u32 reason, u64 first_seq, u64 last_seq,
		     u32 count),
	    TP_ARGS(link_id, reason, first_seq, last_seq, count),
	    TP_STRUCT__entry(__field(u32, link_id)
			     __field(u32, reason)
			     __field(u64, first_seq)
			     __field(u64, last_seq)
			     __field(u32, count)),
	    TP_fast_assign(__entry->link_id = link_id;
			   __entry->reason = reason;
			   __entry->first_seq = first_seq;
			   __entry->last_seq = last_seq;
			   __entry->count = count;),
	    TP_printk("link=%u reason=%u seq=%llu..%llu count=%u",
		      __entry->link_id, __entry->reason, __entry->first_seq,
		      __entry->last_seq, __entry->count)
);

#endif /* _QLINK_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
