/*
 * The control socket's protocol: one JSON object per line each way.
 *
 *   {"cmd":"status"}                         what is playing, what comes next, and
 *                                            "planned": the airings not yet logged
 *                                            with their bulletins and queue entries
 *   {"cmd":"air","bulletin":12}              air now, or right after what plays
 *   {"cmd":"air","bulletin":12,"class":"emergency"}   pre-empt what plays
 *   {"cmd":"air","program":"sang"}
 *   {"cmd":"air","bulletin":12,"by":"lan"}   who asked, written in the airing log
 *   {"cmd":"air","bulletin":12,"zones":"thon-1,thon-3"}   to these zones only
 *   {"cmd":"stop"}                           fade out what plays, log it interrupted;
 *                                            a live announcement ends with its closing
 *                                            jingle instead (logged completed)
 *   {"cmd":"stop","live":true}               the same, only if a live announcement airs
 *   {"cmd":"live","minutes":10}              the microphone on air now; refused while
 *                                            something airs, unless "class":"emergency"
 *                                            (it pre-empts like an emergency); also
 *                                            "zones", "by", "title" (shown while it airs)
 *   {"cmd":"reload"}                         same as SIGHUP
 *   {"cmd":"replan"}                         bulletins or the queue changed
 *
 * Answers are {"ok":true,...} or {"ok":false,"error":"sentence"}.
 * Private to daemon/ (and the CLI, which speaks it: see cli/cmd_daemon.c).
 */
#ifndef LOAXA_DAEMON_CONTROL_H
#define LOAXA_DAEMON_CONTROL_H

#include <stddef.h>
#include <stdint.h>

#define CONTROL_MAX_REQUEST 65536

enum control_cmd {
	CONTROL_STATUS,
	CONTROL_AIR,
	CONTROL_STOP,
	CONTROL_RELOAD,
	CONTROL_REPLAN,
	CONTROL_LIVE,
};

#define CONTROL_LIVE_MINUTES 10     /* loaxa live without --minutes */
#define CONTROL_LIVE_MAX_MINUTES 60

struct control_req {
	enum control_cmd cmd;
	int64_t bulletin;  /* AIR: bulletin id, or 0 */
	char program[65];  /* AIR: programme name, or "" */
	int emergency;     /* AIR, LIVE: pre-empt */
	char by[65];       /* AIR: who asked (logged with the airing), or "" */
	char zones[1024];  /* AIR, LIVE: zone names joined with commas; "": every zone */
	int minutes;       /* LIVE: how long the microphone stays on air at most */
	char title[129];   /* LIVE: what it is about, or "" */
	int live;          /* STOP: only a live announcement (loaxa live --stop) */
};

/* Parses one request line (without the newline); -1 with a sentence in err. */
int control_parse(const char *line, size_t len, struct control_req *req, char *err);

#endif
