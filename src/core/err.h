/*
 * err.h — the one error convention, from the storage drivers up to the
 * handlers: functions that can fail return enum nmt_err (NMT_OK is 0),
 * and api/respond.c maps each value to one HTTP status and problem text
 * (RFC 9457) in a single table.
 */
#ifndef NMT_CORE_ERR_H
#define NMT_CORE_ERR_H

enum nmt_err {
	NMT_OK = 0,
	NMT_CONFLICT = -1,    /* a unique, foreign-key or check rule (409) */
	NMT_UNAVAILABLE = -2, /* the database cannot be reached (503) */
	NMT_BUSY = -3,        /* lock timeout, serialization failure (503) */
	NMT_ERROR = -4,       /* anything else: a fault, logged (500) */
	NMT_NOT_FOUND = -5,   /* no such object, or hidden from the caller */
	NMT_FORBIDDEN = -6,   /* seen, but the action is not allowed (403) */
	NMT_STALE = -7,       /* the version named is not current (412) */
	NMT_SEALED = -8,      /* a sealed field would not open: a fault (500) */
	NMT_INVALID = -9,     /* the request breaks a rule (400, fields) */
};

#endif
